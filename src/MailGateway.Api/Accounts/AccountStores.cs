using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Api.Hosting;
using StackExchange.Redis;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Accounts in process memory (tests, quick try; lost on restart).</summary>
internal sealed class InMemoryAccountStore : IAccountStore
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    public Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_accounts.GetValueOrDefault(accountId));

    public Task<IReadOnlyList<Account>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Account>>([.. _accounts.Values.Where(a => a.OwnerId == ownerId).OrderBy(a => a.CreatedAt)]);

    public Task<IReadOnlyList<Account>> ListAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Account>>([.. _accounts.Values.OrderBy(a => a.CreatedAt)]);

    public Task SaveAsync(Account account, CancellationToken cancellationToken = default)
    {
        _accounts[account.Id] = account;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_accounts.TryRemove(accountId, out _));
}

/// <summary>Accounts in Redis: JSON at <c>mg:account:{id}</c>, ids per owner in the set <c>mg:owner:{owner}:accounts</c>,
/// all ids in <c>mg:accounts</c>. The secret is stored only as Data Protection ciphertext.</summary>
internal sealed class RedisAccountStore(IConnectionMultiplexer redis) : IAccountStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private const string AllKey = RedisExtensions.KeyPrefix + "accounts";

    internal static RedisKey AccountKey(string id) => $"{RedisExtensions.KeyPrefix}account:{id}";
    private static RedisKey OwnerKey(string owner) => $"{RedisExtensions.KeyPrefix}owner:{owner}:accounts";

    public async Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var value = await redis.GetDatabase().StringGetAsync(AccountKey(accountId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Deserialize(value);
    }

    public async Task<IReadOnlyList<Account>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        await LoadAsync(OwnerKey(ownerId), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<Account>> ListAllAsync(CancellationToken cancellationToken = default) =>
        await LoadAsync(AllKey, cancellationToken).ConfigureAwait(false);

    public async Task SaveAsync(Account account, CancellationToken cancellationToken = default)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync(AccountKey(account.Id), JsonSerializer.Serialize(account, Json));
        _ = transaction.SetAddAsync(OwnerKey(account.OwnerId), account.Id);
        _ = transaction.SetAddAsync(AllKey, account.Id);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var account = await GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
            return false;
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.KeyDeleteAsync(AccountKey(accountId));
        _ = transaction.SetRemoveAsync(OwnerKey(account.OwnerId), accountId);
        _ = transaction.SetRemoveAsync(AllKey, accountId);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<List<Account>> LoadAsync(RedisKey setKey, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var ids = await database.SetMembersAsync(setKey).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
            return [];
        var values = await database.StringGetAsync([.. ids.Select(id => AccountKey(id.ToString()))]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. values.Select(Deserialize).OfType<Account>().OrderBy(a => a.CreatedAt)];
    }

    private static Account? Deserialize(RedisValue value) =>
        value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Account>(value.ToString(), Json);
}
