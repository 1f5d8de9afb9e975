using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Scale;

/// <summary><c>--migrate-keys</c> (issue 15, item 5): data written under the key names from before the hash tags is
/// renamed to the current layout, keeps its TTL, and the gateway reads it again; keys of the current layout that look
/// alike are left alone.</summary>
public sealed class KeyMigrationTests(MailEnvFixture fixture)
{
    private const string User = "user171";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_migrate_keys_command_moves_the_old_layout_and_the_gateway_reads_it()
    {
        // The migration scans the whole database for the old names and the test renames keys across slots: it needs a
        // database of its own, which a Redis Cluster does not have (RedisClusterTests covers the new layout there).
        var ns = fixture.RedisNamespaceFor(typeof(KeyMigrationTests));
        Assert.SkipWhen(fixture.Env.IsRedisCluster || ns.Database == 0, "needs a Redis database of its own (not on a Redis Cluster)");
        var configuration = ns.Configuration;
        var database = ns.Database;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true");
        var db = redis.GetDatabase();
        var server = redis.GetServers()[0];
        await server.FlushDatabaseAsync(database);

        var owner = "migrate-owner-171";
        string accountId, ownerId;
        int owners;
        // The gateway from before the upgrade is stopped before the migration runs (as in an upgrade): while it ran, its
        // webhook dispatcher could take the migrated delivery off the queue before the assertions below.
        await using (var app = fixture.CreateApp(o => o.Settings["Redis:Configuration"] = configuration))
        {
            using var client = app.CreateClient(owner);
            accountId = await app.RegisterAccountAsync(client, User, _ct);

            // Back to the old names, as an installation from before the rename has them.
            owners = (await db.SetMembersAsync("mg:{accounts}:all")).Length;
            await db.KeyRenameAsync($"mg:{{accounts}}:account:{accountId}", $"mg:account:{accountId}");
            await db.KeyRenameAsync("mg:{accounts}:all", "mg:accounts");
            var ownerKeys = server.Keys(database, "mg:{accounts}:owner:*").ToList();
            Assert.Single(ownerKeys);
            ownerId = ownerKeys[0].ToString()["mg:{accounts}:owner:".Length..];
            await db.KeyRenameAsync(ownerKeys[0], $"mg:owner:{ownerId}:accounts");
            await db.StringSetAsync("mg:wh:sub:wh_1", "{}");
            await db.SortedSetAddAsync("mg:wh:due", "0000000000000001|dlv_1", 1);
            await db.StringSetAsync("mg:wh:d:dlv_1", "{}", TimeSpan.FromHours(1));
            await db.StringSetAsync($"mg:account:{accountId}:security-log", "current layout");
            using var missing = await client.GetAsync($"/api/v1/accounts/{accountId}", _ct);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var output = await RunMigrationAsync(configuration);
        Assert.Contains("6 keys moved, 0 left", output, StringComparison.Ordinal);

        Assert.True(await db.KeyExistsAsync($"mg:{{accounts}}:account:{accountId}"));
        Assert.Equal(owners, (await db.SetMembersAsync("mg:{accounts}:all")).Length);
        Assert.True(await db.KeyExistsAsync($"mg:{{accounts}}:owner:{ownerId}"));
        Assert.True(await db.KeyExistsAsync("mg:{webhooks}:sub:wh_1"));
        Assert.Equal(1, await db.SortedSetLengthAsync("mg:{whq}:due"));
        Assert.InRange((await db.KeyTimeToLiveAsync("mg:{whq}:d:dlv_1"))!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
        Assert.Equal("current layout", (string?)await db.StringGetAsync($"mg:account:{accountId}:security-log"));
        Assert.Empty(server.Keys(database, "mg:wh:*"));

        // A gateway started after the migration (as in an upgrade: the old ones stopped) finds the account again.
        await using var upgraded = fixture.CreateApp(o => o.Settings["Redis:Configuration"] = configuration);
        using var after = upgraded.CreateClient(owner);
        using var found = await after.GetAsync($"/api/v1/accounts/{accountId}", _ct);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var list = JsonDocument.Parse(await after.GetStringAsync("/api/v1/accounts", _ct)).RootElement;
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == accountId);

        Assert.Contains("0 keys moved, 0 left", await RunMigrationAsync(configuration), StringComparison.Ordinal);
    }

    /// <summary>The published gateway binary with <c>--migrate-keys</c>: it migrates, logs, and exits.</summary>
    private async Task<string> RunMigrationAsync(string configuration)
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
        start.Environment["Redis__Configuration"] = configuration;
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
