using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Dovecot frozen (SIGSTOP to its master and every child: sockets stay open, nothing answers): reads answer
/// 503/504 <c>imap_unavailable</c> with Retry-After within the configured IMAP timeouts, never a 500 and never a hang;
/// requests that need no IMAP keep answering at once (no thread starvation); after SIGCONT reads work again.</summary>
public sealed class DovecotFreezeTests(MailEnvFixture fixture)
{
    private const string User = "user146";
    private const string Owner = "faults-owner-146";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(25); // 3 s timeouts, one lease wait, a loaded machine

    [Fact]
    public async Task A_frozen_dovecot_answers_503_with_retry_after_within_the_timeout_and_recovers_after_sigcont()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseEnvironment(env);
            o.Settings["Imap:CommandTimeout"] = "00:00:03";
            o.Settings["Imap:ConnectTimeout"] = "00:00:03";
            o.Settings["Imap:LeaseTimeout"] = "00:00:05";
        });
        using var http = app.CreateClient(Owner);
        using var anonymous = app.CreateAnonymousClient();
        var messages = PrivateRedis.InboxMessages(await app.RegisterAccountAsync(http, User, env, ct));
        using (var ok = await http.GetAsync(messages, ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        await env.FreezeDovecotAsync();
        try
        {
            // More requests than the account's pool holds: the pooled ones time out mid-command, the rest wait for a
            // lease or a connection that never greets.
            var reads = Enumerable.Range(0, 8).Select(_ => TimedReadAsync(http, messages, ct)).ToList();
            var live = Stopwatch.StartNew();
            using (var health = await anonymous.GetAsync("/health/live", ct)) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using (var accounts = await http.GetAsync("/api/v1/accounts", ct)) Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
            Assert.True(live.Elapsed < TimeSpan.FromSeconds(5), $"requests without IMAP took {live.Elapsed} while Dovecot was frozen");

            foreach (var (status, retryAfter, code, elapsed, body) in await Task.WhenAll(reads))
            {
                Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"{(int)status} after {elapsed}: {body}");
                Assert.True(retryAfter > TimeSpan.Zero, "no Retry-After");
                Assert.Equal("imap_unavailable", code);
                Assert.True(elapsed < Bound, $"answered after {elapsed}");
            }
        }
        finally
        {
            await env.ThawDovecotAsync();
        }

        await Recovery.WaitForOkAsync(http, messages, TimeSpan.FromSeconds(60), "after SIGCONT", ct);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan? RetryAfter, string? Code, TimeSpan Elapsed, string Body)> TimedReadAsync(
        HttpClient http, string path, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            && JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c))
            code = c.GetString();
        return (response.StatusCode, response.Headers.RetryAfter?.Delta, code, clock.Elapsed, body);
    }
}
