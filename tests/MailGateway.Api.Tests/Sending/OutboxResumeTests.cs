using MailGateway.Api.Events;
using MailGateway.Api.Sending;
using MailGateway.Api.Shared;
using MailGateway.Api.Tests.Security;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Sending;

/// <summary>The outbox's crash rules, on the in-memory store (the Redis scripts follow the same rules and are covered by the
/// integration tests): an expired lease hands the submission to another worker, and one whose DATA was accepted is never
/// transmitted again.</summary>
public sealed class OutboxResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class CountingSender : ISmtpSender
    {
        public int Sends;
        /// <summary>Recipients answered 450 at RCPT (the others are accepted).</summary>
        public HashSet<string> Deferred { get; } = [];
        public List<IReadOnlyList<string>> Envelopes { get; } = [];
        public Task VerifyAsync(SmtpAccount account, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task<SmtpSendResult> SendAsync(SmtpAccount account, SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Sends);
            Envelopes.Add(envelope.Recipients);
            var reply = new SmtpReply(250, "2.0.0 Ok: queued");
            var later = new SmtpReply(450, "4.2.1 try later");
            return Task.FromResult(new SmtpSendResult(reply,
                [.. envelope.Recipients.Select(r => Deferred.Contains(r) ? new SmtpRecipientResult(r, false, later) : new SmtpRecipientResult(r, true, reply))]));
        }
    }

    private sealed class RecordingPublisher : IMailEventPublisher
    {
        public List<MailEvent> Events { get; } = [];
        public ValueTask PublishAsync(MailEvent mailEvent, CancellationToken cancellationToken = default)
        {
            Events.Add(mailEvent);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }

    private static readonly Account Account = new()
    {
        Id = "acc1", OwnerId = "owner", DisplayName = "a", Email = "a@example.org", Host = "127.0.0.1", Port = 993,
        Security = ImapSecurity.Tls, Username = "a", CredentialStamp = "s1",
        Smtp = new AccountSmtp("127.0.0.1", 587, SmtpSecurity.StartTls, null, null),
    };

    private static (OutboxWorker Worker, CountingSender Smtp, RecordingPublisher Events) Worker(IOutboxStore store)
    {
        var accounts = new MemoryAccounts();
        accounts.Items[Account.Id] = Account;
        var metrics = new SendingMetrics(new Meters());
        var events = new RecordingPublisher();
        var smtp = new CountingSender();
        var followUp = new OutboxFollowUp(store, accounts, new FakePool(), events, metrics, Options.Create(new SendingOptions()), TimeProvider.System, NullLogger<OutboxFollowUp>.Instance);
        var worker = new OutboxWorker(store, accounts, smtp, new OutboxSignal(), followUp, metrics, Options.Create(new SendingOptions()),
            TimeProvider.System, NullLogger<OutboxWorker>.Instance);
        return (worker, smtp, events);
    }

    private static async Task<Submission> AddAsync(IOutboxStore store, params string[] recipients)
    {
        var now = DateTimeOffset.UtcNow;
        var submission = new Submission
        {
            Id = Guid.NewGuid().ToString("N"), AccountId = Account.Id, OwnerId = Account.OwnerId, EnvelopeFrom = Account.Email,
            CreatedAt = now, SaveToSent = false, Recipients = [.. (recipients.Length > 0 ? recipients : ["b@example.org"]).Select(r => new SubmissionRecipient(r, "pending", null))],
        };
        await store.AddAsync(submission, "From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n\r\nx\r\n"u8.ToArray(), now, null, TimeSpan.FromHours(1), cancellationToken: Ct);
        return submission;
    }

    [Fact]
    public async Task A_submission_accepted_before_a_crash_is_finished_without_transmitting_it_again()
    {
        var store = new InMemoryOutboxStore(TimeProvider.System);
        var submission = await AddAsync(store);
        var first = await store.ClaimAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10), cancellationToken: Ct);
        Assert.Equal(SubmissionStates.Sending, first!.Submission.State);
        // The first instance recorded the 250 and died before anything else.
        Assert.True(await store.CheckpointAsync(first, first.Submission with
        {
            Accepted = true, State = SubmissionStates.Sent, Recipients = [.. first.Submission.Recipients.Select(r => r with { State = "accepted" })],
        }, Ct));
        Assert.Null(await store.ClaimAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10), cancellationToken: Ct));

        var resumed = await store.ClaimAsync(DateTimeOffset.UtcNow.AddSeconds(11), TimeSpan.FromSeconds(10), cancellationToken: Ct);
        Assert.Equal(submission.Id, resumed!.Submission.Id);
        var (worker, smtp, events) = Worker(store);
        await worker.ProcessAsync(resumed, Ct);

        Assert.Equal(0, smtp.Sends);
        Assert.Equal(SubmissionStates.Sent, (await store.GetAsync(submission.Id, Ct))!.State);
        Assert.Equal(MailEventTypes.MessageSent, Assert.Single(events.Events).Type);
        Assert.Null(await store.ClaimAsync(DateTimeOffset.UtcNow.AddMinutes(5), TimeSpan.FromSeconds(10), cancellationToken: Ct));
    }

    [Fact]
    public async Task A_submission_whose_instance_died_before_the_250_is_sent_by_the_next_worker_once()
    {
        var store = new InMemoryOutboxStore(TimeProvider.System);
        var submission = await AddAsync(store);
        Assert.NotNull(await store.ClaimAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10), cancellationToken: Ct));
        var resumed = await store.ClaimAsync(DateTimeOffset.UtcNow.AddSeconds(11), TimeSpan.FromSeconds(10), cancellationToken: Ct);
        var (worker, smtp, events) = Worker(store);
        await worker.ProcessAsync(resumed!, Ct);

        Assert.Equal(1, smtp.Sends);
        var done = (await store.GetAsync(submission.Id, Ct))!;
        Assert.Equal(SubmissionStates.Sent, done.State);
        Assert.Equal("accepted", Assert.Single(done.Recipients).State);
        Assert.Single(events.Events);
    }

    [Fact]
    public async Task Recipients_answered_4xx_are_retried_alone_and_the_accepted_ones_get_it_once()
    {
        var store = new InMemoryOutboxStore(TimeProvider.System);
        var submission = await AddAsync(store, "b@example.org", "c@example.org");
        var (worker, smtp, events) = Worker(store);
        smtp.Deferred.Add("c@example.org");
        await worker.ProcessAsync((await store.ClaimAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10), cancellationToken: Ct))!, Ct);

        var partly = (await store.GetAsync(submission.Id, Ct))!;
        Assert.Equal(SubmissionStates.Sent, partly.State);
        Assert.Equal(["accepted", "pending"], partly.Recipients.Select(r => r.State));
        Assert.Equal(450, partly.Recipients[1].Reply!.Code);
        Assert.NotNull(partly.NextAttemptAt);
        Assert.Single(events.Events); // message.sent once, for the accepted ones

        smtp.Deferred.Clear();
        var retry = await store.ClaimAsync(partly.NextAttemptAt!.Value.AddSeconds(1), TimeSpan.FromSeconds(10), cancellationToken: Ct);
        await worker.ProcessAsync(retry!, Ct);

        Assert.Equal(2, smtp.Sends);
        Assert.Equal(["c@example.org"], smtp.Envelopes[1]);
        var done = (await store.GetAsync(submission.Id, Ct))!;
        Assert.Equal(SubmissionStates.Sent, done.State);
        Assert.All(done.Recipients, r => Assert.Equal("accepted", r.State));
        Assert.Null(done.NextAttemptAt);
        Assert.Single(events.Events);
        Assert.Null(await store.ClaimAsync(DateTimeOffset.UtcNow.AddHours(5), TimeSpan.FromSeconds(10), cancellationToken: Ct));
    }
}
