using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailGateway.Tests.Shared;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>Issue 16 item 1 in the watcher: of new messages, only the one whose answer MailKit refuses is announced
/// <c>unparsable</c> in <c>message.created</c>; the others carry their whole summaries — over SignalR and GraphQL.</summary>
public sealed class UnparsableWatchTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(MailServerKind.Dovecot)]
    [InlineData(MailServerKind.Cyrus)]
    public async Task Only_the_refused_arrival_is_announced_unparsable(MailServerKind server)
    {
        const string user = "user79";
        await using var watch = await ServerWatch.StartAsync(fixture, server, user, _ct);
        await using var socket = await GraphQLSocket.ConnectAsync(watch.App, cancellationToken: _ct);
        await socket.InitAsync(watch.App.CreateToken($"watch-{server}-{user}"), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        await socket.SendAsync(new
        {
            id = "events",
            type = "subscribe",
            payload = new { query = $"subscription {{ mailEvents(accountId: \"{watch.AccountId}\", types: [\"message.created\"]) {{ type data }} }}" },
        }, _ct);

        var marker = Guid.NewGuid().ToString("N");
        var before = await watch.Env.AppendAsync(user, "INBOX", UnparsablePerMessageTests.Whole($"Before {marker}"), _ct);
        var bad = await watch.Env.AppendAsync(user, "INBOX", UnparsablePerMessageTests.Refused(user, marker), _ct);
        var after = await watch.Env.AppendAsync(user, "INBOX", UnparsablePerMessageTests.Whole($"After {marker}"), _ct);

        var timeout = TimeSpan.FromSeconds(120);
        var signalR = new Dictionary<uint, JsonElement>();
        foreach (var uid in new[] { before, bad, after })
            signalR[uid] = (await watch.Events.WaitForAsync("message.created", e => Uid(e) == uid, timeout)).GetProperty("data").GetProperty("summary");
        AssertOnlyRefused(signalR, before, bad, after, marker);

        var graphQL = new Dictionary<uint, JsonElement>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        cts.CancelAfter(timeout);
        while (graphQL.Count < 3)
        {
            var next = await socket.ExpectAsync("next", cts.Token, timeout);
            var data = next.GetProperty("payload").GetProperty("data").GetProperty("mailEvents").GetProperty("data");
            if (Uid(data) is var uid && (uid == before || uid == bad || uid == after)) graphQL[uid] = data.GetProperty("summary");
        }
        AssertOnlyRefused(graphQL, before, bad, after, marker);
    }

    private static uint Uid(JsonElement e) =>
        (e.TryGetProperty("data", out var data) ? data : e).GetProperty("uid").GetUInt32();

    private static void AssertOnlyRefused(Dictionary<uint, JsonElement> summaries, uint before, uint bad, uint after, string marker)
    {
        Assert.True(summaries[bad].GetProperty("unparsable").GetBoolean());
        Assert.Equal($"Refused {marker}", summaries[bad].GetProperty("subject").GetString());
        foreach (var uid in new[] { before, after })
        {
            Assert.False(summaries[uid].TryGetProperty("unparsable", out _), summaries[uid].GetRawText());
            Assert.True(summaries[uid].GetProperty("hasAttachments").GetBoolean(), summaries[uid].GetRawText());
        }
    }
}
