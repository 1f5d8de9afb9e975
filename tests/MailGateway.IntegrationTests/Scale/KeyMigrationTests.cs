using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Scale;

/// <summary><c>--migrate-keys</c> (issue 15, item 5): data written under the key names from before the hash tags is
/// renamed to the current layout, keeps its TTL, and the gateway reads it again; keys of the current layout that look
/// alike are left alone. Runs in the class's Redis namespace: a database of its own on a plain Redis, a key prefix of
/// its own on a Redis Cluster (<c>MAILENV_REDIS=cluster</c>), where old and new names live in different slots and on
/// different masters (every step of the test and of the migration is a single-key command).</summary>
public sealed class KeyMigrationTests(MailEnvFixture fixture)
{
    private const string User = "user171";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_migrate_keys_command_moves_the_old_layout_and_the_gateway_reads_it()
    {
        // The old layout predates Redis:KeyPrefix (its names always start with mg:); the new names carry the prefix.
        var ns = fixture.RedisNamespaceFor(typeof(KeyMigrationTests));
        var database = ns.Database;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ns.Configuration + ",allowAdmin=true");
        var db = redis.GetDatabase();
        var primaries = redis.GetServers().Where(s => !s.IsReplica).ToList();
        Assert.True(primaries.Count >= (fixture.Env.IsRedisCluster ? 3 : 1));
        if (database != 0) await primaries[0].FlushDatabaseAsync(database); // a database of its own: start empty
        var keys = (string pattern) => primaries.SelectMany(s => s.Keys(database, pattern)).ToList();

        var owner = "migrate-owner-171";
        string accountId, ownerId;
        int owners;
        // The gateway from before the upgrade is stopped before the migration runs (as in an upgrade): while it ran, its
        // webhook dispatcher could take the migrated delivery off the queue before the assertions below.
        await using (var app = fixture.CreateApp(o => ns.ApplyTo(o.Settings)))
        {
            using var client = app.CreateClient(owner);
            accountId = await app.RegisterAccountAsync(client, User, _ct);

            // Back to the old names, as an installation from before the rename has them.
            owners = (await db.SetMembersAsync(ns.Key("{accounts}:all"))).Length;
            await MoveAsync(db, ns.Key($"{{accounts}}:account:{accountId}"), $"mg:account:{accountId}");
            await MoveAsync(db, ns.Key("{accounts}:all"), "mg:accounts");
            var ownerKeys = keys(ns.Key("{accounts}:owner:*"));
            Assert.Single(ownerKeys);
            ownerId = ownerKeys[0].ToString()[ns.Key("{accounts}:owner:").Length..];
            await MoveAsync(db, ownerKeys[0], $"mg:owner:{ownerId}:accounts");
            await db.StringSetAsync("mg:wh:sub:wh_1", "{}");
            await db.SortedSetAddAsync("mg:wh:due", "0000000000000001|dlv_1", 1);
            await db.StringSetAsync("mg:wh:d:dlv_1", "{}", TimeSpan.FromHours(1));
            await db.StringSetAsync($"mg:account:{accountId}:security-log", "current layout");
            using var missing = await client.GetAsync($"/api/v1/accounts/{accountId}", _ct);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var output = await RunMigrationAsync(ns);
        Assert.Contains("6 keys moved, 0 left", output, StringComparison.Ordinal);

        Assert.True(await db.KeyExistsAsync(ns.Key($"{{accounts}}:account:{accountId}")));
        Assert.Equal(owners, (await db.SetMembersAsync(ns.Key("{accounts}:all"))).Length);
        Assert.True(await db.KeyExistsAsync(ns.Key($"{{accounts}}:owner:{ownerId}")));
        Assert.True(await db.KeyExistsAsync(ns.Key("{webhooks}:sub:wh_1")));
        Assert.Equal(1, await db.SortedSetLengthAsync(ns.Key("{whq}:due")));
        Assert.InRange((await db.KeyTimeToLiveAsync(ns.Key("{whq}:d:dlv_1")))!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
        Assert.Equal("current layout", (string?)await db.StringGetAsync($"mg:account:{accountId}:security-log"));
        Assert.Empty(keys("mg:wh:*"));
        Assert.False(await db.KeyExistsAsync($"mg:account:{accountId}"));

        // A gateway started after the migration (as in an upgrade: the old ones stopped) finds the account again.
        await using var upgraded = fixture.CreateApp(o => ns.ApplyTo(o.Settings));
        using var after = upgraded.CreateClient(owner);
        using var found = await after.GetAsync($"/api/v1/accounts/{accountId}", _ct);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var list = JsonDocument.Parse(await after.GetStringAsync("/api/v1/accounts", _ct)).RootElement;
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == accountId);

        Assert.Contains("0 keys moved, 0 left", await RunMigrationAsync(ns), StringComparison.Ordinal);
        await db.KeyDeleteAsync($"mg:account:{accountId}:security-log");
    }

    /// <summary>RENAME without RENAME: on a cluster the two names may live in different slots (CROSSSLOT).</summary>
    private static async Task MoveAsync(IDatabase db, RedisKey from, RedisKey to)
    {
        var dump = await db.KeyDumpAsync(from);
        Assert.NotNull(dump);
        var ttl = await db.KeyTimeToLiveAsync(from);
        await db.KeyRestoreAsync(to, dump, ttl);
        await db.KeyDeleteAsync(from);
    }

    /// <summary>The published gateway binary with <c>--migrate-keys</c>: it migrates, logs, and exits.</summary>
    private async Task<string> RunMigrationAsync(RedisNamespace ns)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(GatewayProcess.RepoRoot(), "src", "MailGateway.Api"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MailGateway.Api.dll"));
        start.ArgumentList.Add("--migrate-keys");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Redis__Configuration"] = ns.Configuration;
        start.Environment["Redis__KeyPrefix"] = ns.KeyPrefix;
        start.Environment["Authentication__Provider"] = "Development";
        start.Environment["Authentication__Development__SigningKey"] = new GatewayAppOptions().SigningKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_ct);
        var stderr = process.StandardError.ReadToEndAsync(_ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        return output;
    }
}
