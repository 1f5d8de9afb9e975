using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>A Redis of the test's own (with a Dovecot beside it that the test ignores): fault tests freeze, kill and
/// wipe it, which the assembly's shared Redis must never see.</summary>
internal static class PrivateRedis
{
    public static Task<MailEnvironment> StartAsync(bool appendOnly, CancellationToken ct) =>
        MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = true, RedisAppendOnly = appendOnly }, ct);
}
