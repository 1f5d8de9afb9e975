using System.Globalization;
using System.Net.Http.Json;
using MailGateway.Testing;

namespace MailGateway.Bench;

/// <summary>Gateway RSS per watched account: registers N accounts, makes every one watched (a webhook subscription
/// covering all of them) and measures the resident memory the watches add (target: ≤ 0.3 MB per account).</summary>
internal static class WatchedAccountsBenchmark
{
    public static async Task<string> RunAsync(MailEnvironment env, GatewayProcess gateway, string signingKey, int count, CancellationToken cancellationToken)
    {
        using var client = new GatewayClient(gateway.BaseAddress, DevTokens.Create(signingKey, "bench-watch-owner"));
        Benchmarks.Log($"registering {count} accounts ...");
        var users = env.Users.Where(u => u.StartsWith("user", StringComparison.Ordinal)).ToArray();
        using (var gate = new SemaphoreSlim(8))
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync(cancellationToken);
                try { await client.RegisterAccountAsync(env, users[i % users.Length], cancellationToken); }
                finally { gate.Release(); }
            }));
        }
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = gateway.RssMiB();

        Benchmarks.Log("subscribing a webhook to all of them and waiting for the watches ...");
        using (var created = await client.Http.PostAsJsonAsync("api/v1/webhooks",
            new { url = "http://127.0.0.1:9/never-called", events = new[] { "message.created" } }, cancellationToken))
            created.EnsureSuccessStatusCode();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var watching = 0;
        while (started.Elapsed < TimeSpan.FromMinutes(3) && watching < count)
        {
            await Task.Delay(1000, cancellationToken);
            watching = await WatchersAsync(client, cancellationToken);
        }
        var allWatchedAfter = started.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        var after = gateway.RssMiB();
        return string.Create(CultureInfo.InvariantCulture,
            $"{count} watched accounts: {watching} watching after {allWatchedAfter.TotalSeconds:F0} s; gateway RSS {before:F0} MiB before the watches, {after:F0} MiB with them: {(after - before) / count * 1024:F0} KiB per watched account");
    }

    private static async Task<int> WatchersAsync(GatewayClient client, CancellationToken cancellationToken)
    {
        var metrics = await client.Http.GetStringAsync("metrics", cancellationToken);
        return (int)metrics.Split('\n')
            .Where(l => l.StartsWith("mailgateway_events_watchers_active", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
