using StackExchange.Redis;

namespace MailGateway.Api.Storage;

/// <summary>
/// One-shot rename of the key layout before hash tags (docs/decisions/redis-cluster.md, "Upgrading"):
/// <c>mg:account:{id}</c>, <c>mg:owner:{owner}:accounts</c> and <c>mg:accounts</c> become <c>mg:{accounts}:…</c>;
/// <c>mg:wh:sub|owner|all…</c> become <c>mg:{webhooks}:…</c> and every other <c>mg:wh:…</c> (the delivery queue)
/// <c>mg:{whq}:…</c>. Run once, with the gateways stopped: <c>MailGateway.Api --migrate-keys</c>. Each key is copied
/// with DUMP/RESTORE (keeping its TTL; works across cluster slots) and then deleted; a key whose new name is taken
/// is left alone and reported. Running it again finds nothing to do. On a Redis Cluster every master is scanned (a
/// master not connected is reported and counted as left), and no command spans two keys, so old and new names may
/// live in different slots.
/// </summary>
internal static partial class RedisKeyMigration
{
    public const string Command = "--migrate-keys";

    // The old layout predates Redis:KeyPrefix: its keys always start with mg:. The new names use the configured prefix.
    private const string P = RedisKeys.DefaultPrefix;
    private static readonly string[] Patterns = [P + "account:*", P + "accounts", P + "owner:*:accounts", P + "wh:*"];

    public sealed record Result(int Moved, int Conflicts);

    /// <summary>The new name of an old key, or null when the key is not of the old layout.</summary>
    internal static string? NewName(string key, RedisKeys keys)
    {
        if (key == P + "accounts") return keys.GroupPrefix("accounts") + "all";
        // mg:account:{id} only: mg:account:{id}:security-log is of the current layout (account ids have no colon).
        if (key.StartsWith(P + "account:", StringComparison.Ordinal))
            return key.IndexOf(':', P.Length + 8) < 0 ? keys.GroupPrefix("accounts") + key[P.Length..] : null;
        if (key.StartsWith(P + "owner:", StringComparison.Ordinal) && key.EndsWith(":accounts", StringComparison.Ordinal) && key.Length > P.Length + 15)
            return keys.GroupPrefix("accounts") + key[P.Length..^":accounts".Length];
        if (!key.StartsWith(P + "wh:", StringComparison.Ordinal)) return null;
        var rest = key[(P.Length + 3)..];
        var store = rest == "all" || rest.StartsWith("sub:", StringComparison.Ordinal) || rest.StartsWith("owner:", StringComparison.Ordinal);
        return keys.GroupPrefix(store ? "webhooks" : "whq") + rest;
    }

    public static async Task<Result> RunAsync(IConnectionMultiplexer redis, RedisKeys keys, ILogger logger, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        int moved = 0, conflicts = 0;
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            // On a Redis Cluster each master is scanned for its own slots; one not reached would leave its keys behind.
            if (!server.IsConnected)
            {
                conflicts++;
                Log.NotScanned(logger, server.EndPoint.ToString() ?? "?");
                continue;
            }
            foreach (var pattern in Patterns)
            {
                await foreach (var key in server.KeysAsync(db.Database, pattern, pageSize: 500).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (NewName(key!, keys) is not { } target) continue;
                    if (await MoveAsync(db, key, target).ConfigureAwait(false)) moved++;
                    else
                    {
                        conflicts++;
                        Log.Conflict(logger, key!, target);
                    }
                }
            }
        }
        Log.Done(logger, moved, conflicts);
        return new Result(moved, conflicts);
    }

    private static async Task<bool> MoveAsync(IDatabase db, RedisKey from, RedisKey to)
    {
        if (await db.KeyExistsAsync(to).ConfigureAwait(false)) return false;
        var dump = await db.KeyDumpAsync(from).ConfigureAwait(false);
        if (dump is null) return true; // gone meanwhile
        var ttl = await db.KeyTimeToLiveAsync(from).ConfigureAwait(false);
        await db.KeyRestoreAsync(to, dump, ttl).ConfigureAwait(false);
        await db.KeyDeleteAsync(from).ConfigureAwait(false);
        return true;
    }

    /// <summary>The command: migrates with the app's Redis connection, logs what it did, and disposes the app (which
    /// flushes the log) without starting it.</summary>
    public static async Task RunAsync(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisKeyMigration));
        if (app.Services.GetService<IConnectionMultiplexer>() is not { } redis) Log.NoRedis(logger);
        else await RunAsync(redis, app.Services.GetRequiredService<RedisKeys>(), logger, CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3730, EventName = "KeyMigrationConflict", Level = LogLevel.Warning, Message = "Key {From} not moved: {To} exists already")]
        public static partial void Conflict(ILogger logger, string from, string to);

        [LoggerMessage(EventId = 3731, EventName = "KeyMigrationDone", Level = LogLevel.Information, Message = "Key migration: {Moved} keys moved, {Conflicts} left because their new name was taken")]
        public static partial void Done(ILogger logger, int moved, int conflicts);

        [LoggerMessage(EventId = 3750, EventName = "KeyMigrationNotScanned", Level = LogLevel.Warning, Message = "Key migration: Redis primary {EndPoint} is not connected; its keys were not scanned (counted as left; run the migration again)")]
        public static partial void NotScanned(ILogger logger, string endPoint);

        [LoggerMessage(EventId = 3732, EventName = "KeyMigrationNoRedis", Level = LogLevel.Warning, Message = "Key migration: Redis:Configuration is not set; nothing to migrate")]
        public static partial void NoRedis(ILogger logger);
    }
}
