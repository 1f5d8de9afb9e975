using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Storage;
using MailGateway.Api.Webhooks;
using MailGateway.IntegrationTests.Faults;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>Write races on webhook records (issue 11 item 11), on the real Redis store: the dispatcher records an
/// endpoint's failure after an attempt it waited on, and a PATCH stores its edit after checks it waited on; an edit or a
/// delete made meanwhile is never undone (field-level compare-and-set, <see cref="IRecordStore{T}.UpdateAsync"/>).</summary>
public sealed class WebhookWriteRaceTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private GatewayApp CreateApp(MailGateway.Testing.MailEnvironment redis, PausingWebhookStore? pausing = null) => fixture.CreateApp(o =>
    {
        o.Settings["Redis:Configuration"] = redis.RedisConfiguration;
        o.Settings["Webhooks:AllowPrivateNetworks"] = "true";
        o.Settings["Webhooks:PollInterval"] = "00:00:00.100";
        if (pausing is not null)
            o.ConfigureServices = services => services.AddSingleton<IWebhookStore>(sp =>
                pausing.Wrap(new RedisWebhookStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
    });

    [Fact]
    public async Task A_failed_attempt_neither_undoes_an_edit_nor_brings_back_a_webhook_deleted_while_it_ran()
    {
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, _ct);
        await using var receiver = await WebhookReceiver.StartAsync(_ct);
        receiver.ResponseDelay = TimeSpan.FromSeconds(2); // then 401 (untrusted signature): a failed attempt
        await using var app = CreateApp(redis);
        using var client = app.CreateClient("wh-race-1");

        // An edit while the attempt runs survives the failure the dispatcher records afterwards.
        var edited = (await WebhookGatewayCalls.CreateAsync(client, new { url = receiver.Url, description = "before" }, _ct)).GetProperty("id").GetString()!;
        await PostTestAsync(client, edited);
        await receiver.WaitForRequestStartAsync(TimeSpan.FromSeconds(60));
        using (var patched = await client.PatchAsJsonAsync($"/api/v1/webhooks/{edited}", new { description = "edited during the attempt" }, _ct))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await WaitForAsync(client, edited, w => w.TryGetProperty("failingSince", out var since) && since.ValueKind == JsonValueKind.String);
        Assert.Equal("edited during the attempt", after.GetProperty("description").GetString());
        using (var removed = await client.DeleteAsync($"/api/v1/webhooks/{edited}", _ct))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        // A delete while the attempt runs stays a delete: the failure is not written back as a whole record.
        var deleted = (await WebhookGatewayCalls.CreateAsync(client, new { url = receiver.Url }, _ct)).GetProperty("id").GetString()!;
        var logs = fixture.Logs.Count;
        await PostTestAsync(client, deleted);
        await receiver.WaitForRequestStartAsync(TimeSpan.FromSeconds(60));
        using (var removed = await client.DeleteAsync($"/api/v1/webhooks/{deleted}", _ct))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        // The dispatcher finds its lease gone when the attempt ends, and records the endpoint's health right after.
        await WaitUntilAsync(() => Task.FromResult(fixture.Logs.Since(logs).Any(l => l.Contains("lost its lease", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60), "the attempt to the deleted webhook never ended");
        for (var i = 0; i < 15; i++)
        {
            using var gone = await client.GetAsync($"/api/v1/webhooks/{deleted}", _ct);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            await Task.Delay(200, _ct);
        }
        Assert.DoesNotContain(deleted, (await client.GetStringAsync("/api/v1/webhooks", _ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patch_does_not_bring_back_a_webhook_deleted_between_its_read_and_its_write()
    {
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, _ct);
        await using var receiver = await WebhookReceiver.StartAsync(_ct);
        var pausing = new PausingWebhookStore();
        await using var app = CreateApp(redis, pausing);
        using var client = app.CreateClient("wh-race-2");
        var rest = (await WebhookGatewayCalls.CreateAsync(client, new { url = receiver.Url }, _ct)).GetProperty("id").GetString()!;
        var graphQL = (await WebhookGatewayCalls.CreateAsync(client, new { url = receiver.Url }, _ct)).GetProperty("id").GetString()!;

        // REST PATCH.
        var paused = pausing.PauseNextWrite();
        var patch = client.PatchAsJsonAsync($"/api/v1/webhooks/{rest}", new { description = "late edit", rotateSecret = true }, _ct);
        await paused.Reached.WaitAsync(TimeSpan.FromSeconds(60), _ct);
        (await client.DeleteAsync($"/api/v1/webhooks/{rest}", _ct)).Dispose();
        paused.Resume();
        using (var answered = await patch)
        {
            var body = await answered.Content.ReadAsStringAsync(_ct);
            Assert.True(answered.StatusCode == HttpStatusCode.NotFound, $"{(int)answered.StatusCode}: {body}");
        }

        // GraphQL updateWebhook.
        paused = pausing.PauseNextWrite();
        var update = GraphQLCalls.ErrorCodeAsync(client, "mutation($id: ID!) { updateWebhook(id: $id, input: { description: \"late edit\" }) { id } }",
            new { id = graphQL }, _ct);
        await paused.Reached.WaitAsync(TimeSpan.FromSeconds(60), _ct);
        (await client.DeleteAsync($"/api/v1/webhooks/{graphQL}", _ct)).Dispose();
        paused.Resume();
        Assert.Equal("webhook_not_found", await update);

        var list = await client.GetStringAsync("/api/v1/webhooks", _ct);
        Assert.DoesNotContain(rest, list, StringComparison.Ordinal);
        Assert.DoesNotContain(graphQL, list, StringComparison.Ordinal);
    }

    private async Task PostTestAsync(HttpClient client, string webhookId)
    {
        using var response = await client.PostAsync($"/api/v1/webhooks/{webhookId}/test", null, _ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan within, string failure)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < within, $"{failure} within {within}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private async Task<JsonElement> WaitForAsync(HttpClient client, string webhookId, Func<JsonElement, bool> done)
    {
        JsonElement last = default;
        await WaitUntilAsync(async () =>
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{webhookId}", _ct);
            return done(last);
        }, TimeSpan.FromSeconds(60), "the dispatcher never recorded the failed attempt");
        return last;
    }
}

/// <summary>The real store, with a pause before the next write (update or save) a test asks for: the moment between a
/// writer's read and its write, held open so the test can delete the record there.</summary>
internal sealed class PausingWebhookStore
{
    private volatile Pause? _next;

    public IWebhookStore Wrap(IWebhookStore inner) => new Store(inner, this);

    public Pause PauseNextWrite() => _next = new Pause();

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _next, null) is not { } pause) return;
        pause.Reached.Release();
        await pause.Resumed.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
    }

    internal sealed class Pause
    {
        public SemaphoreSlim Reached { get; } = new(0);
        public TaskCompletionSource Resumed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Resume() => Resumed.TrySetResult();
    }

    private sealed class Store(IWebhookStore inner, PausingWebhookStore owner) : IWebhookStore
    {
        public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);
        public Task<IReadOnlyList<Webhook>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) => inner.ListByOwnerAsync(ownerId, cancellationToken);
        public Task<IReadOnlyList<Webhook>> ListAllAsync(CancellationToken cancellationToken = default) => inner.ListAllAsync(cancellationToken);
        public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);
        public Task<bool> CreateAsync(Webhook record, int maxPerOwner, CancellationToken cancellationToken = default) => inner.CreateAsync(record, maxPerOwner, cancellationToken);

        public async Task SaveAsync(Webhook record, CancellationToken cancellationToken = default)
        {
            await owner.HoldAsync(cancellationToken);
            await inner.SaveAsync(record, cancellationToken);
        }

        public async Task<Webhook?> UpdateAsync(string id, Func<Webhook, Webhook?> change, CancellationToken cancellationToken = default)
        {
            await owner.HoldAsync(cancellationToken);
            return await inner.UpdateAsync(id, change, cancellationToken);
        }
    }
}
