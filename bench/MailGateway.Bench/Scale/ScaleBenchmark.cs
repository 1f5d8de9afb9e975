using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MailGateway.Testing;
using MimeKit;

namespace MailGateway.Bench.Scale;

/// <summary>
/// Issue 15 item 7: N gateway instances × M watched accounts on one private 3-master Redis Cluster and one Dovecot.
/// Registers M accounts, subscribes one webhook (every account watched), waits until the operator view reports all M
/// watched, then appends mail to random accounts for a while (events/s end to end, APPEND → webhook latency), reads each
/// instance's RSS, and finally kills one instance (SIGKILL) and measures how long until its accounts are watched again.
/// Between the two, <see cref="ThroughputPhase"/> offers more than the gateways deliver (the maximum events/s).
/// Usage: <c>--scale [--scale-instances 3] [--scale-accounts 1000] [--scale-seconds 30] [--scale-writers 8]
/// [--scale-burst-seconds 20] [--scale-burst-connections 48] [--scale-burst-max 6000] [--scale-endpoint-concurrency N]</c>
/// (burst seconds 0: no throughput phase; endpoint concurrency: <c>Webhooks:MaxConcurrencyPerEndpoint</c>, default 1).
/// Raise <c>fs.inotify.max_user_instances</c> (build.sh bench does, as root) for more than ~120 watched accounts.
/// </summary>
internal static class ScaleBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Burst(TimeSpan Duration, int Connections, int MaxOffered, int EndpointConcurrency);

    public static async Task<string> RunAsync(int instances, int accounts, TimeSpan duration, int writers, Burst burst, CancellationToken ct)
    {
        var users = Enumerable.Range(1, accounts).Select(i => $"scale{i}").ToList();
        Benchmarks.Log($"starting Dovecot ({accounts} extra users) and a 3-master Redis Cluster ...");
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisCluster = true, ExtraUsers = users }, ct);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var sink = new WebhookSink();
        var settings = new Dictionary<string, string>
        {
            ["Authentication:Provider"] = "Development", ["Authentication:Development:SigningKey"] = key,
            ["Imap:AllowPrivateNetworks"] = "true", ["Imap:TrustedCertificateFiles:0"] = env.CaCertificatePath,
            ["Redis:Configuration"] = env.RedisConfiguration!, ["RateLimiting:PermitsPerMinute"] = "0",
            ["Webhooks:AllowPrivateNetworks"] = "true", ["Imap:MaxConnections"] = $"{Math.Max(1000, accounts * 2)}",
            ["Accounts:MaxAccountsPerUser"] = $"{Math.Max(100, accounts)}", // one owner holds every account of the run
            ["Webhooks:MaxConcurrencyPerEndpoint"] = $"{burst.EndpointConcurrency}",
        };
        var gateways = new List<GatewayProcess?>();
        for (var i = 0; i < instances; i++)
            gateways.Add(await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), new Dictionary<string, string>(settings) { ["Cluster:InstanceId"] = $"scale-{i}" }, ct));
        var baseline = gateways.Select(g => g!.RssMiB()).ToArray();
        using var owner = new GatewayClient(gateways[0]!.BaseAddress, DevTokens.Create(key, "scale-owner"));
        using var admin = new GatewayClient(gateways[0]!.BaseAddress, DevTokens.Create(key, "scale-admin", roles: ["MailGateway.Admin"]));

        Benchmarks.Log($"registering {accounts} accounts ...");
        var ids = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (user, token) => ids[user] = await owner.RegisterAccountAsync(env, user, token));
        using (var hook = await owner.Http.PostAsJsonAsync("api/v1/webhooks", new { url = $"http://127.0.0.1:{sink.Port}/", events = new[] { "message.created" } }, ct))
            hook.EnsureSuccessStatusCode();
        var watchClock = Stopwatch.StartNew();
        var spread = await WaitForWatchedAsync(admin, accounts, TimeSpan.FromMinutes(10), ct);
        var allWatched = watchClock.Elapsed;
        Benchmarks.Log($"all {accounts} watched after {allWatched.TotalSeconds:F0} s: {string.Join(", ", spread.Select(p => $"{p.Key}={p.Value}"))}");
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var rss = gateways.Select(g => g!.RssMiB()).ToArray();

        Benchmarks.Log($"appending for {duration.TotalSeconds:F0} s with {writers} writers ...");
        var appended = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var load = Stopwatch.StartNew();
        var loadStart = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; load.Elapsed < duration; n++)
            {
                var subject = $"scale-{w}-{n}";
                await env.AppendAsync(users[Random.Shared.Next(users.Count)], "INBOX", Message(subject), ct);
                appended[subject] = Stopwatch.GetTimestamp();
            }
        }, ct)));
        var appendTime = load.Elapsed;
        await DrainAsync(sink, appended.Keys, TimeSpan.FromSeconds(120), ct);
        var lastDelivery = appended.Keys.Select(s => sink.Delivered.TryGetValue(s, out var t) ? t : 0).DefaultIfEmpty(0).Max();
        var endToEnd = lastDelivery > 0 ? Stopwatch.GetElapsedTime(loadStart, lastDelivery) : TimeSpan.Zero; // first APPEND → last delivery
        var latencies = appended.Where(p => sink.Delivered.ContainsKey(p.Key))
            .Select(p => Stopwatch.GetElapsedTime(p.Value, sink.Delivered[p.Key]).TotalMilliseconds).Order().ToArray();
        var delivered = latencies.Length;
        var cpu = new CpuMeter(env, () => gateways.Where(g => g is not null).Select(g => g!.ProcessId));
        var throughput = burst.Duration > TimeSpan.Zero
            ? await ThroughputPhase.RunAsync(env, users, sink, cpu, burst.Duration, burst.Connections, burst.MaxOffered, ct) : [];

        var (failover, failoverEvents) = await KillOneAsync(gateways, admin, env, users, sink, accounts, ct);

        foreach (var g in gateways) if (g is not null) await g.DisposeAsync();
        List<string> lines =
        [
            string.Create(Inv, $"scale: {instances} instances x {accounts} watched accounts on a 3-master Redis Cluster, one Dovecot ({Environment.ProcessorCount} cores, Webhooks:MaxConcurrencyPerEndpoint {burst.EndpointConcurrency}); {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end"),
            string.Create(Inv, $"watch spread: {string.Join(", ", spread.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}; all watched {allWatched.TotalSeconds:F0} s after the webhook was created"),
            string.Create(Inv, $"events: {appended.Count} appended in {appendTime.TotalSeconds:F0} s by {writers} writers ({appended.Count / appendTime.TotalSeconds:F1}/s offered), {delivered} delivered by webhook ({delivered / Math.Max(1, endToEnd.TotalSeconds):F1}/s end to end), lost {appended.Count - delivered}, duplicates {sink.Duplicates}"),
            string.Create(Inv, $"push latency APPEND -> webhook: p50 {LoadRunner.Percentile(latencies, 0.5):F0} ms  p99 {LoadRunner.Percentile(latencies, 0.99):F0} ms  max {(latencies.Length > 0 ? latencies[^1] : 0):F0} ms"),
            string.Create(Inv, $"RSS per instance (MiB, started -> watching): {string.Join(", ", Enumerable.Range(0, instances).Select(i => $"{baseline[i]:F0} -> {rss[i]:F0}"))}; per watched account: {string.Join(", ", Enumerable.Range(0, instances).Select(i => $"{(rss[i] - baseline[i]) * 1024 / Math.Max(1, spread.GetValueOrDefault($"scale-{i}")):F0} KiB"))}"),
            .. throughput,
            string.Create(Inv, $"failover: scale-{instances - 1} killed (SIGKILL); its accounts watched again by the others after {failover.TotalSeconds:F1} s (operator view); {failoverEvents}"),
        ];
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Kills the last instance and waits until the others watch all accounts; meanwhile one message per
    /// account of a sample is appended right after the kill, and the slowest of their deliveries is reported too.</summary>
    private static async Task<(TimeSpan, string)> KillOneAsync(List<GatewayProcess?> gateways, GatewayClient admin, MailEnvironment env,
        List<string> users, WebhookSink sink, int accounts, CancellationToken ct)
    {
        var victim = gateways[^1]!;
        gateways[^1] = null;
        var clock = Stopwatch.StartNew();
        await victim.DisposeAsync(); // SIGKILL
        // Polled while the sample is appended, so slow APPENDs do not count as failover time.
        // When the victim left the operator view (its registration expired) tells the registry's part from the reconnects'.
        var dropped = TimeSpan.Zero;
        var watchedAgain = Task.Run(async () =>
        {
            await WaitForWatchedAsync(admin, accounts, TimeSpan.FromMinutes(5), ct, gateways.Count - 1,
                view => { if (dropped == TimeSpan.Zero && view.Count == gateways.Count - 1) dropped = clock.Elapsed; });
            return clock.Elapsed;
        }, ct);
        var sample = users.OrderBy(_ => Random.Shared.Next()).Take(Math.Min(60, users.Count)).ToList();
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (user, token) =>
        {
            var subject = $"failover-{user}";
            await env.AppendAsync(user, "INBOX", Message(subject), token);
            sent[subject] = Stopwatch.GetTimestamp();
        });
        var rewatched = await watchedAgain;
        await DrainAsync(sink, sent.Keys, TimeSpan.FromSeconds(120), ct);
        var got = sent.Keys.Where(sink.Delivered.ContainsKey).ToList();
        var slowest = got.Select(s => Stopwatch.GetElapsedTime(sent[s], sink.Delivered[s]).TotalSeconds).DefaultIfEmpty(0).Max();
        return (rewatched, string.Create(Inv, $"it left the registry after {dropped.TotalSeconds:F1} s; {sent.Count} messages appended to random accounts right after the kill: {got.Count} delivered, slowest {slowest:F1} s after its APPEND"));
    }

    private static async Task<Dictionary<string, int>> WaitForWatchedAsync(GatewayClient admin, int accounts, TimeSpan timeout, CancellationToken ct,
        int? liveInstances = null, Action<Dictionary<string, int>>? seen = null)
    {
        var last = new Dictionary<string, int>();
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < timeout; await Task.Delay(250, ct))
        {
            try
            {
                var list = await admin.Http.GetFromJsonAsync<JsonElement>("api/v1/admin/instances", ct);
                last = list.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("accountsWatched").GetInt32());
            }
            catch (HttpRequestException) { continue; }
            seen?.Invoke(last);
            if (last.Values.Sum() >= accounts && (liveInstances is null || last.Count == liveInstances)) return last;
        }
        Benchmarks.Log($"watches did not settle within {timeout}: {string.Join(", ", last.Select(p => $"{p.Key}={p.Value}"))}");
        return last;
    }

    private static async Task DrainAsync(WebhookSink sink, ICollection<string> subjects, TimeSpan timeout, CancellationToken ct)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < timeout && subjects.Any(s => !sink.Delivered.ContainsKey(s)); )
            await Task.Delay(250, ct);
    }

    internal static MimeMessage Message(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "scale run" } };
        message.From.Add(MailboxAddress.Parse("scale@example.test"));
        message.To.Add(MailboxAddress.Parse("owner@example.test"));
        return message;
    }
}
