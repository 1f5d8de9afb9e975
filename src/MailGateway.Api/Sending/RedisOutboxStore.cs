using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Sending;

/// <summary>The durable outbox shared by every instance (layout and scripts in RedisOutboxStore.Scripts.cs).</summary>
internal sealed partial class RedisOutboxStore(IConnectionMultiplexer redis, RedisKeys keys) : IOutboxStore
{
    private readonly string _prefix = keys.GroupPrefix("outbox");
    private readonly RedisKey _due = keys.GroupPrefix("outbox") + "due";
    private readonly RedisKey _processing = keys.GroupPrefix("outbox") + "processing";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>Finished submissions (and their MIME) stay listable this long.</summary>
    private static readonly long RetentionSeconds = (long)TimeSpan.FromDays(7).TotalSeconds;

    /// <summary>The per-owner pending set outlives its newest member's schedule (sendAt is at most 30 days ahead).</summary>
    private static readonly long OwnerKeySeconds = (long)TimeSpan.FromDays(40).TotalSeconds;
    private const string FullAnswer = "!full";

    private readonly LeftoverClaims _leftoverClaims = new();

    private IDatabase Db => redis.GetDatabase();

    private RedisKey SubmissionKey(string id) => _prefix + "s:" + id;
    private RedisKey MimeKey(string id) => _prefix + "m:" + id;
    private RedisKey AccountKey(string accountId) => _prefix + "a:" + accountId;
    private RedisKey OwnerKey(string ownerId) => _prefix + "o:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ownerId)));
    private RedisKey IdempotencyKey(string accountId, string key) =>
        _prefix + "k:" + accountId + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<(Submission Submission, bool Created)> AddAsync(Submission submission, byte[] mime, DateTimeOffset dueAt, string? idempotencyKey,
        TimeSpan idempotencyWindow, int maxPendingPerOwner = 0, CancellationToken cancellationToken = default)
    {
        var result = (string?)await Db.ScriptEvaluateAsync(AddScript,
            [SubmissionKey(submission.Id), MimeKey(submission.Id), _due, AccountKey(submission.AccountId),
             idempotencyKey is null ? _prefix + "k:none" : IdempotencyKey(submission.AccountId, idempotencyKey),
             OwnerKey(submission.OwnerId), _processing],
            [submission.Id, JsonSerializer.Serialize(submission, Json), submission.State, mime, dueAt.ToUnixTimeMilliseconds(),
             submission.CreatedAt.ToUnixTimeMilliseconds(), submission.AccountId,
             idempotencyKey is null ? "" : ((long)idempotencyWindow.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), _prefix,
             submission.OwnerId, maxPendingPerOwner, OwnerKeySeconds]).ConfigureAwait(false);
        if (result == FullAnswer)
            throw new OutboxFullException(submission.OwnerId);
        if (result == submission.Id)
            return (submission, true);
        return (await GetAsync(result!, cancellationToken).ConfigureAwait(false) ?? submission, false);
    }

    public async Task<Submission?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var id = (string?)await Db.StringGetAsync(IdempotencyKey(accountId, idempotencyKey)).ConfigureAwait(false);
        return id is null ? null : await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Submission?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var fields = await Db.HashGetAsync(SubmissionKey(id), ["json", "state"]).ConfigureAwait(false);
        return Read(fields[0], fields[1]);
    }

    public async Task<IReadOnlyList<Submission>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default)
    {
        var ids = await Db.SortedSetRangeByRankAsync(AccountKey(accountId), 0, limit - 1, Order.Descending).ConfigureAwait(false);
        var list = new List<Submission>();
        var gone = new List<RedisValue>();
        foreach (var id in ids)
        {
            if (await GetAsync(id!, cancellationToken).ConfigureAwait(false) is { } submission) list.Add(submission);
            else gone.Add(id);
        }
        if (gone.Count > 0)
            await Db.SortedSetRemoveAsync(AccountKey(accountId), [.. gone]).ConfigureAwait(false);
        return list;
    }

    public async Task<byte[]?> GetMimeAsync(string id, CancellationToken cancellationToken = default) =>
        (byte[]?)await Db.StringGetAsync(MimeKey(id)).ConfigureAwait(false);

    public async Task<OutboxClaim?> ClaimAsync(DateTimeOffset now, TimeSpan lease, IReadOnlyCollection<string>? busyOwners = null,
        int scanLimit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var token = Guid.NewGuid().ToString("N");
        var leftovers = _leftoverClaims.Take();
        RedisResult result;
        try
        {
            result = await Db.ScriptEvaluateAsync(ClaimScript, [_due, _processing],
                [now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds(), token, _prefix, string.Join(',', leftovers), scanLimit,
                 .. (busyOwners ?? []).Select(o => (RedisValue)o)]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _leftoverClaims.Keep([.. leftovers, token]); // Redis may still run this claim: the next one takes it back
            throw;
        }
        if (result.IsNull || result.Resp2Type != ResultType.Array)
            return null;
        var parts = (RedisResult[])result!;
        var submission = Read((string?)parts[1], (string?)parts[2]);
        return submission is null ? null : new OutboxClaim(submission, token);
    }

    public async Task<bool> CheckpointAsync(OutboxClaim claim, Submission updated, CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(CheckpointScript, [SubmissionKey(updated.Id)],
            [claim.LeaseToken, JsonSerializer.Serialize(updated, Json), updated.State]).ConfigureAwait(false) == 1;

    public async Task<bool> ReleaseAsync(OutboxClaim claim, Submission updated, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(ReleaseScript, [SubmissionKey(updated.Id), _due, _processing, MimeKey(updated.Id)],
            [claim.LeaseToken, JsonSerializer.Serialize(updated, Json), updated.State,
             dueAt is { } due ? due.ToUnixTimeMilliseconds() : "", updated.Id, RetentionSeconds]).ConfigureAwait(false) == 1;

    public async Task<Submission?> CancelAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Compare-and-set: the worker may record an attempt between the read and the write; then read again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var json = (string?)await Db.HashGetAsync(SubmissionKey(id), "json").ConfigureAwait(false);
            if (json is null) return null;
            var (changed, after) = await TryCancelAsync(id, json, now, cancellationToken).ConfigureAwait(false);
            if (!changed) return after;
        }
        throw new RedisException($"The submission '{id}' kept changing; it was not canceled.");
    }

    /// <summary>One compare-and-set try: the canceled record is made from <paramref name="read"/> (the stored JSON as
    /// read before) and written only while the stored record is still that one; else <c>Changed</c> and nothing written.</summary>
    internal async Task<(bool Changed, Submission? After)> TryCancelAsync(string id, string read, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var canceled = JsonSerializer.Deserialize<Submission>(read, Json)! with { State = SubmissionStates.Canceled, UpdatedAt = now };
        var state = (string?)await Db.ScriptEvaluateAsync(CancelScript, [SubmissionKey(id), _due, MimeKey(id)],
            [id, JsonSerializer.Serialize(canceled, Json), RetentionSeconds, read]).ConfigureAwait(false);
        if (state == "!changed") return (true, null);
        return (false, string.IsNullOrEmpty(state) ? null : await GetAsync(id, cancellationToken).ConfigureAwait(false));
    }

    private static Submission? Read(RedisValue json, RedisValue state) =>
        json.IsNull ? null : JsonSerializer.Deserialize<Submission>((string)json!, Json)! with { State = state.IsNull ? SubmissionStates.Queued : (string)state! };
}
