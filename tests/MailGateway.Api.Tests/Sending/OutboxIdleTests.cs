using MailGateway.Api.Events;
using MailGateway.Api.Sending;
using MailGateway.Api.Tests.Security;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Sending;

/// <summary>Fair sharing must not make an idle outbox busier: with <see cref="SendingOptions.Concurrency"/> senders, one
/// claimer asks the store, once per <see cref="SendingOptions.PollInterval"/> while nothing is due (not once per sender:
/// with a shared Redis, every instance's idle polling is a script call).</summary>
public sealed class OutboxIdleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_instance_asks_the_outbox_once_per_poll_interval_not_once_per_sender()
    {
        var store = new CountingStore(new InMemoryOutboxStore(TimeProvider.System));
        var options = Options.Create(new SendingOptions { Concurrency = 8, PollInterval = TimeSpan.FromMilliseconds(100) });
        var accounts = new MemoryAccounts();
        var metrics = new SendingMetrics(new Meters());
        var followUp = new OutboxFollowUp(store, accounts, new FakePool(), new NoEvents(), metrics, options, TimeProvider.System,
            NullLogger<OutboxFollowUp>.Instance);
        using var worker = new OutboxWorker(store, accounts, new NoSmtp(), new OutboxSignal(), followUp, metrics, options,
            TimeProvider.System, NullLogger<OutboxWorker>.Instance);

        await worker.StartAsync(Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // a window to count in; the bound below holds however slow the machine
        await worker.StopAsync(Ct);

        // One claimer: at most the first claim plus one per 100 ms (21). Eight senders polling on their own make about 160.
        Assert.InRange(store.Claims, 1, 25);
    }

    private sealed class CountingStore(IOutboxStore inner) : IOutboxStore
    {
        private int _claims;
        public int Claims => Volatile.Read(ref _claims);

        public Task<OutboxClaim?> ClaimAsync(DateTimeOffset now, TimeSpan lease, IReadOnlyCollection<string>? busyOwners = null,
            int scanLimit = int.MaxValue, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _claims);
            return inner.ClaimAsync(now, lease, busyOwners, scanLimit, cancellationToken);
        }

        public Task<(Submission Submission, bool Created)> AddAsync(Submission submission, byte[] mime, DateTimeOffset dueAt, string? idempotencyKey,
            TimeSpan idempotencyWindow, int maxPendingPerOwner = 0, CancellationToken cancellationToken = default) =>
            inner.AddAsync(submission, mime, dueAt, idempotencyKey, idempotencyWindow, maxPendingPerOwner, cancellationToken);

        public Task<Submission?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken = default) =>
            inner.FindByIdempotencyKeyAsync(accountId, idempotencyKey, cancellationToken);
        public Task<Submission?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);
        public Task<IReadOnlyList<Submission>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default) =>
            inner.ListAsync(accountId, limit, cancellationToken);
        public Task<byte[]?> GetMimeAsync(string id, CancellationToken cancellationToken = default) => inner.GetMimeAsync(id, cancellationToken);
        public Task<bool> CheckpointAsync(OutboxClaim claim, Submission updated, CancellationToken cancellationToken = default) =>
            inner.CheckpointAsync(claim, updated, cancellationToken);
        public Task<bool> ReleaseAsync(OutboxClaim claim, Submission updated, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
            inner.ReleaseAsync(claim, updated, dueAt, cancellationToken);
        public Task<Submission?> CancelAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            inner.CancelAsync(id, now, cancellationToken);
    }

    private sealed class NoSmtp : ISmtpSender
    {
        public Task VerifyAsync(SmtpAccount account, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task<SmtpSendResult> SendAsync(SmtpAccount account, SmtpEnvelope envelope, Stream message, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Nothing is due.");
    }

    private sealed class NoEvents : IMailEventPublisher
    {
        public ValueTask PublishAsync(MailEvent mailEvent, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }
}
