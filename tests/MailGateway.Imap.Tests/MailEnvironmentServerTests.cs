using System.Net.Sockets;
using System.Text;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;
using MailKit.Security;

namespace MailGateway.Imap.Tests;

public sealed class MailEnvironmentServerTests(MailEnvironmentFixture fixture) : IClassFixture<MailEnvironmentFixture>
{
    private MailEnvironment Env => fixture.Env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RestartDovecotAsync_keeps_ports_and_mail()
    {
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = false }, Ct);
        Assert.Null(env.RedisConfiguration);
        var uid = await env.AppendAsync("user7", "INBOX", new MimeKit.MimeMessage { Subject = "kept", Body = new MimeKit.TextPart("plain") { Text = "x" } }, Ct);
        var (imap, imaps) = (env.ImapPort, env.ImapsPort);

        await env.RestartDovecotAsync(Ct);

        Assert.Equal((imap, imaps), (env.ImapPort, env.ImapsPort));
        using var client = await env.ConnectAsync("user7", Ct);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Equal([uid], (await client.Inbox.SearchAsync(SearchQuery.All, Ct)).Select(u => u.Id));
    }

    [Fact]
    public async Task SetPasswordAsync_takes_effect_at_the_next_login()
    {
        await Env.SetPasswordAsync("user8", "changed-secret", Ct);
        try
        {
            using var client = Env.CreateClient();
            await client.ConnectAsync(Env.Host, Env.ImapsPort, SecureSocketOptions.SslOnConnect, Ct);
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("user8", MailEnvironment.PasswordOf("user8"), Ct));
            using var fresh = await Env.ConnectAsync("user8", Ct);
            Assert.True(fresh.IsAuthenticated);
        }
        finally
        {
            await Env.SetPasswordAsync("user8", null, Ct);
        }
        using var again = await Env.ConnectAsync("user8", Ct);
        Assert.True(again.IsAuthenticated);
    }

    [Fact]
    public async Task Redis_answers_and_keeps_appendonly_data_across_a_restart()
    {
        Assert.Equal($"127.0.0.1:{Env.RedisPort}", Env.RedisConfiguration);
        Assert.Equal("+OK", await RedisAsync("SET mailenv-test kept"));
        await Env.StopRedisAsync(Ct);
        await Assert.ThrowsAnyAsync<SocketException>(() => RedisAsync("PING"));
        await Env.StartRedisAsync(Ct);
        Assert.Equal("$4", await RedisAsync("GET mailenv-test"));
    }

    private async Task<string> RedisAsync(string command)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Env.Host, Env.RedisPort, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), Ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync(Ct) ?? "";
    }
}
