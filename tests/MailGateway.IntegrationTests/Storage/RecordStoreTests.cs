using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Api.Webhooks;
using MailGateway.Api.Storage;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Imap;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Storage;

/// <summary>The one record store, on the fixture's real Redis and in memory: an update applies to the record as it is
/// when written, so a change made while the updater waited (a disable, a delete, new credentials) is never undone.</summary>
public sealed class RecordStoreTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Account NewAccount(string id) => new()
    {
        Id = id, OwnerId = "store-owner-" + id, DisplayName = "d", Email = "e@example.test", Host = "imap.example.test", Port = 993,
        Security = ImapSecurity.Tls, Username = "u", ProtectedSecret = "old-secret", CredentialStamp = "s1", CreatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<(IAccountStore Store, IAsyncDisposable Connection)> RedisStoreAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Env.RedisConfiguration!);
        return (new RedisAccountStore(redis, new RedisKeys()), redis);
    }

    public static TheoryData<bool> Stores => new() { true, false };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_update_racing_a_disable_keeps_both_changes(bool redis)
    {
        var (store, connection) = redis ? await RedisStoreAsync() : (new InMemoryAccountStore(), null);
        await using var _ = connection;
        var id = "race-" + Guid.NewGuid().ToString("N");
        await store.SaveAsync(NewAccount(id), _ct);

        var calls = 0;
        var saved = await store.UpdateAsync(id, current =>
        {
            // The first time, someone disables the account between our read and our write.
            if (Interlocked.Increment(ref calls) == 1)
                store.SaveAsync(current with { Disabled = true }, _ct).GetAwaiter().GetResult();
            return current with { ProtectedSecret = "new-secret" };
        }, _ct);

        Assert.Equal(2, calls);
        var stored = await store.GetAsync(id, _ct);
        Assert.True(stored!.Disabled);
        Assert.Equal("new-secret", stored.ProtectedSecret);
        // Records hold lists (aliases), so compare what a store would write.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(stored), System.Text.Json.JsonSerializer.Serialize(saved));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_update_racing_a_delete_does_not_bring_the_record_back(bool redis)
    {
        var (store, connection) = redis ? await RedisStoreAsync() : (new InMemoryAccountStore(), null);
        await using var _ = connection;
        var id = "race-" + Guid.NewGuid().ToString("N");
        await store.SaveAsync(NewAccount(id), _ct);

        var saved = await store.UpdateAsync(id, current =>
        {
            store.DeleteAsync(id, _ct).GetAwaiter().GetResult();
            return current with { ProtectedSecret = "new-secret" };
        }, _ct);

        Assert.Null(saved);
        Assert.Null(await store.GetAsync(id, _ct));
        Assert.DoesNotContain(await store.ListAllAsync(_ct), a => a.Id == id);
    }

    [Fact]
    public async Task Webhooks_and_accounts_share_the_store_and_keep_their_key_layout()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Env.RedisConfiguration!);
        var id = "wh-" + Guid.NewGuid().ToString("N");
        var webhooks = new RedisWebhookStore(redis, new RedisKeys());
        await webhooks.SaveAsync(new Webhook { Id = id, OwnerId = "wh-owner-" + id, Url = new Uri("https://example.test/"), ProtectedSecret = "x" }, _ct);
        var db = redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync("mg:{webhooks}:sub:" + id));
        Assert.True(await db.SetContainsAsync("mg:{webhooks}:owner:wh-owner-" + id, id));
        Assert.True(await db.SetContainsAsync("mg:{webhooks}:all", id));
        Assert.Single(await webhooks.ListByOwnerAsync("wh-owner-" + id, _ct));
        Assert.True(await webhooks.DeleteAsync(id, _ct));
        Assert.False(await db.SetContainsAsync("mg:{webhooks}:all", id));
    }
}
