using System.Text.Json;
using MailGateway.Api.Events;
using MailGateway.Api.Shared;
using MailGateway.Api.Storage;
using MailGateway.Api.Webhooks;
using MailGateway.Imap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Webhooks;

/// <summary>Issue 14 item 3: the webhook sink resolves the account and its owner's subscriptions once per watch batch
/// (EventBatch), not once per event; outside a batch it still looks up per event.</summary>
public sealed class WebhookBatchResolutionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_events_of_one_batch_read_the_account_and_its_webhooks_once()
    {
        var accounts = new CountingAccounts();
        var webhooks = new CountingWebhooks();
        await accounts.SaveAsync(new Account
        {
            Id = "acc_1", OwnerId = "owner_1", DisplayName = "A", Email = "a@example.test", Host = "imap.example.test", Port = 993,
            Security = ImapSecurity.Tls, Username = "a", CredentialStamp = "1",
        }, Ct);
        await webhooks.SaveAsync(new Webhook { Id = "wh_1", OwnerId = "owner_1", Url = new Uri("https://hooks.example.test/1"), ProtectedSecret = "x" }, Ct);
        await webhooks.SaveAsync(new Webhook { Id = "wh_2", OwnerId = "owner_1", Url = new Uri("https://hooks.example.test/2"), ProtectedSecret = "x" }, Ct);
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new WebhookOptions());
        var queue = new InMemoryWebhookQueue(options, TimeProvider.System);
        var enqueuer = new WebhookEnqueuer(queue, new WebhookMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            new WebhookWakeup(), options, TimeProvider.System, NullLogger<WebhookEnqueuer>.Instance);
        var sink = new WebhookEventSink(accounts, webhooks, enqueuer);

        EventBatch.Current = EventBatch.Next(null, checkpoint: false, TimeProvider.System);
        for (var i = 0; i < 5; i++) await sink.HandleAsync(Event(i), Ct);
        Assert.Equal((1, 1), (accounts.Gets, webhooks.Lists));
        Assert.Equal(10, await queue.DepthAsync(Ct));

        EventBatch.Current = EventBatch.Next(EventBatch.Current, checkpoint: true, TimeProvider.System);
        Assert.Null(EventBatch.Current);
        for (var i = 5; i < 8; i++) await sink.HandleAsync(Event(i), Ct);
        Assert.Equal((4, 4), (accounts.Gets, webhooks.Lists));
        Assert.Equal(16, await queue.DepthAsync(Ct));
    }

    [Fact]
    public void A_batch_ends_at_the_checkpoint_and_after_its_maximum_age()
    {
        var time = new SteppedTime();
        var batch = EventBatch.Next(null, checkpoint: false, time);
        Assert.Same(batch, EventBatch.Next(batch, checkpoint: false, time));
        Assert.Null(EventBatch.Next(batch, checkpoint: true, time));
        time.Advance(EventBatch.MaxAge);
        Assert.NotSame(batch, EventBatch.Next(batch, checkpoint: false, time));
    }

    private static MailEvent Event(int n) =>
        new($"evt_{n}", MailEventTypes.MessageCreated, DateTimeOffset.UtcNow, "acc_1", JsonSerializer.SerializeToElement(new { uid = n }));

    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class CountingAccounts : InMemoryRecordStore<Account>, IAccountStore
    {
        public int Gets;

        public new Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default)
        {
            Gets++;
            return base.GetAsync(id, cancellationToken);
        }
    }

    private sealed class CountingWebhooks : InMemoryRecordStore<Webhook>, IWebhookStore
    {
        public int Lists;

        public new Task<IReadOnlyList<Webhook>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default)
        {
            Lists++;
            return base.ListByOwnerAsync(ownerId, cancellationToken);
        }
    }
}
