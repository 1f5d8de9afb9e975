using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A Redis of the test's own (with a Dovecot beside it that the test ignores): fault tests freeze, kill and
/// wipe it, which the assembly's shared Redis must never see.</summary>
internal static class PrivateRedis
{
    /// <summary>Always one redis-server, also in a <c>MAILENV_REDIS=cluster</c> run: these tests freeze, kill and wipe that
    /// one process by pid. A cluster node's loss is tested by <c>Scale/RedisClusterTests</c>.</summary>
    public static Task<MailEnvironment> StartAsync(bool appendOnly, CancellationToken ct) =>
        MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = true, RedisCluster = false, RedisAppendOnly = appendOnly }, ct);

    /// <summary>The gateway uses <paramref name="env"/>'s Redis and trusts its Dovecot: for tests that freeze or kill
    /// that Dovecot (register its users with <c>RegisterAccountAsync(http, user, env, ct)</c>).</summary>
    public static void UseEnvironment(this GatewayAppOptions options, MailEnvironment env)
    {
        options.Settings["Redis:Configuration"] = env.RedisConfiguration;
        options.Settings["Imap:TrustedCertificateFiles:1"] = env.CaCertificatePath;
    }

    /// <summary>A multiplexer of the test's own on <paramref name="env"/>'s Redis, with the gateway's timeouts
    /// (<see cref="Api.Hosting.RedisExtensions.CommandTimeout"/>, abortConnect=false), for the store classes tested directly.</summary>
    public static async Task<StackExchange.Redis.ConnectionMultiplexer> ConnectAsync(MailEnvironment env)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(env.RedisConfiguration!);
        options.AbortOnConnectFail = false;
        options.SyncTimeout = options.AsyncTimeout = options.ConnectTimeout = (int)Api.Hosting.RedisExtensions.CommandTimeout.TotalMilliseconds;
        return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The path of an account's INBOX messages.</summary>
    public static string InboxMessages(string accountId) =>
        $"/api/v1/accounts/{accountId}/mailboxes/{Api.Shared.ResourceIds.Mailbox("INBOX")}/messages";
}
