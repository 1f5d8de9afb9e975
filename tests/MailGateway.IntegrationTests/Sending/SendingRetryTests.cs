using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>A recipient Postfix answers 4xx at RCPT while the others are accepted: the message is delivered once to the
/// accepted ones, and only the deferred recipient is tried again until the server takes it.</summary>
public sealed class SendingRetryTests(MailEnvFixture fixture) : IDisposable
{
    private readonly FailureLogs _failureLogs = new(fixture.Logs);

    public void Dispose() => _failureLogs.WriteIfFailed();

    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(60);
    // A few seconds normally; generous because the retries share Postfix and the machine with the rest of the suite.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_recipient_answered_4xx_is_retried_alone_and_the_accepted_ones_receive_it_once()
    {
        var env = await fixture.PostfixAsync();
        var deferred = MailEnvironment.EmailOf("user154");
        await using var app = fixture.CreateApp(o =>
        {
            // An outbox of its own: on the fixture's shared one, another class's gateway could take a retry and schedule the
            // next by its own Sending:RetrySchedule (30 s, then 2 min), so three attempts would not come in time.
            fixture.RedisNamespaceFor(typeof(SendingRetryTests)).ApplyTo(o.Settings);
            o.Settings["Sending:RetrySchedule:0"] = "00:00:01";
            o.Settings["Sending:PollInterval"] = "00:00:00.200";
        });
        var me = await Sender.RegisterAsync(fixture, "user153", app);
        await env.DeferRecipientsAsync([deferred], Ct);
        try
        {
            var marker = Guid.NewGuid().ToString("N");
            var id = await me.SubmitAsync(new
            {
                to = new[] { new { address = MailEnvironment.EmailOf("user155") }, new { address = deferred } },
                subject = $"partly {marker}",
                text = "one now, one later",
            });
            var partly = await me.WaitForStateAsync(id, "sent", Patience, also: s => s.GetProperty("attempts").GetInt32() >= 3);
            var recipients = partly.GetProperty("recipients");
            Assert.Equal("accepted", recipients[0].GetProperty("state").GetString());
            Assert.Equal("pending", recipients[1].GetProperty("state").GetString());
            Assert.Equal(450, recipients[1].GetProperty("reply").GetProperty("code").GetInt32());
            await AssertOneCopyAsync(env, "user155", "INBOX", marker);

            await env.DeferRecipientsAsync([], Ct);
            var done = await me.WaitForStateAsync(id, "sent", Patience, also: s => s.GetProperty("recipients")[1].GetProperty("state").GetString() == "accepted");
            await AssertOneCopyAsync(env, "user154", "INBOX", marker);
            await AssertOneCopyAsync(env, "user155", "INBOX", marker);
            await AssertOneCopyAsync(env, "user153", "Sent", marker);
            Assert.False(done.TryGetProperty("nextAttemptAt", out var next) && next.ValueKind != System.Text.Json.JsonValueKind.Null);
        }
        finally
        {
            await env.DeferRecipientsAsync([], CancellationToken.None);
        }
    }

    private static async Task AssertOneCopyAsync(MailEnvironment env, string user, string mailbox, string marker)
    {
        var found = await env.WaitForMessageAsync(user, mailbox, "Subject", marker, Arrival, Ct);
        Assert.True(found.Count == 1, $"{user} {mailbox}: {found.Count} copies; Postfix log:\n{string.Join('\n', env.ReadPostfixLogLines().TakeLast(60))}");
    }
}
