using System.Net.Sockets;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>The shared Cyrus's health check (<see cref="MailEnvironment.EnsureCyrusListeningAsync"/>), on a Cyrus of its own:
/// a healthy one is left alone (also when another Cyrus stops), a dead master is relaunched on the same ports with the same mail.</summary>
[Collection(nameof(CyrusFaultTests))]
public sealed class CyrusHealthTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_killed_cyrus_master_is_relaunched_with_its_mail_and_a_healthy_one_is_left_alone()
    {
        await using var env = await fixture.StartPrivateCyrusAsync(Ct);
        var uid = await env.AppendAsync("user138", "INBOX", TestMail.Create("Kept"), Ct);

        // Another Cyrus stopping leaves this one alone (each master has a process group of its own: a master shutting
        // down signals its group, which once was the whole test run's).
        await (await fixture.StartPrivateCyrusAsync(Ct)).DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // the other master's shutdown signals are sent by now
        await env.EnsureCyrusListeningAsync(Ct);
        Assert.Equal(0, env.CyrusRecoveries);

        await env.KillCyrusAsync();
        using (var refused = new TcpClient())
            await Assert.ThrowsAsync<SocketException>(() => refused.ConnectAsync(env.Host, env.ImapPort, Ct).AsTask());
        await env.EnsureCyrusListeningAsync(Ct);

        Assert.Equal(1, env.CyrusRecoveries);
        var again = await env.AppendAsync("user138", "INBOX", TestMail.Create("After"), Ct);
        Assert.True(again > uid, $"UID {again} after {uid}: the mail store was not kept");
    }
}
