using System.Globalization;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Testing;
using MailKit;
using Microsoft.AspNetCore.SignalR.Client;

namespace MailGateway.Bench;

/// <summary>Rows about the read cache, each paired with direct MailKit: GraphQL's inbox query, a page while the
/// account is watched (SignalR subscription; the gateway runs with Imap:Cache:TrustWatch, so these pages need no IMAP
/// command), and page and message with the cache switched off in a second gateway
/// (every read a first read).</summary>
internal static class CacheBenchmark
{
    private const string InboxQuery =
        "query($a: ID!, $m: ID!) { account(id: $a) { messages(mailboxId: $m, first: 50) { edges { node { id subject from { name address } date seen flagged hasAttachments preview } } pageInfo { hasNextPage endCursor } } } }";

    public static async Task<List<(RunStats Direct, RunStats Gateway)>> RunAsync(MailEnvironment env, GatewayProcess gateway, GatewayClient client,
        string accountId, string user, DirectImap direct, UniqueId marker, IReadOnlyDictionary<string, string> settings, BenchOptions options,
        CancellationToken cancellationToken)
    {
        var rows = new List<(RunStats, RunStats)>();
        var inbox = ResourceIds.Mailbox("INBOX");
        var body = InboxBody(accountId);
        foreach (var concurrency in new[] { 1, 16 })
            rows.Add(await Benchmarks.PairAsync("GraphQL inbox query (50)", concurrency, options,
                (w, ct) => direct.PageAsync(w, ct), (_, ct) => client.PostJsonAsync("graphql", body, ct), cancellationToken));

        var pageUrl = $"api/v1/accounts/{accountId}/mailboxes/{inbox}/messages?limit=50";
        await using (var watching = await WatchAsync(gateway.BaseAddress, client, accountId, cancellationToken))
        {
            rows.Add(await Benchmarks.PairAsync("50-message page, watched (TrustWatch)", 1, options,
                (w, ct) => direct.PageAsync(w, ct), (_, ct) => client.GetAsync(pageUrl, ct), cancellationToken));
            rows.Add(await Benchmarks.PairAsync("50-message page, watched (TrustWatch)", 16, options,
                (w, ct) => direct.PageAsync(w, ct), (_, ct) => client.GetAsync(pageUrl, ct), cancellationToken));
        }

        Benchmarks.Log("a second gateway with the cache switched off ...");
        var uncachedSettings = settings.Where(s => s.Key != "Redis:Configuration").ToDictionary();
        uncachedSettings["Imap:Cache:Enabled"] = "false";
        await using var uncached = await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), uncachedSettings, cancellationToken);
        using var uncachedClient = new GatewayClient(uncached.BaseAddress, client.Http.DefaultRequestHeaders.Authorization!.Parameter!);
        var uncachedAccount = await uncachedClient.RegisterAccountAsync(env, user, cancellationToken);
        var messageUrl = $"api/v1/accounts/{uncachedAccount}/messages/{ResourceIds.Message(new MessageRef("INBOX", direct.UidValidity, marker.Id))}";
        var uncachedPage = $"api/v1/accounts/{uncachedAccount}/mailboxes/{inbox}/messages?limit=50";
        Benchmarks.Log($"warming the second gateway process up ({options.ProcessWarmup.TotalSeconds:F0} s) ...");
        await LoadRunner.WarmProcessAsync(options.ProcessWarmup,
            [(_, ct) => uncachedClient.GetAsync(uncachedPage, ct), (_, ct) => uncachedClient.GetAsync(messageUrl, ct)], cancellationToken);
        rows.Add(await Benchmarks.PairAsync("50-message page, cache off (first read)", 1, options,
            (w, ct) => direct.PageAsync(w, ct), (_, ct) => uncachedClient.GetAsync(uncachedPage, ct), cancellationToken));
        rows.Add(await Benchmarks.PairAsync("one 50 KB message, cache off (first read)", 1, options,
            (w, ct) => direct.MessageAsync(w, marker, ct), (_, ct) => uncachedClient.GetAsync(messageUrl, ct), cancellationToken));
        return rows;
    }

    /// <summary>The JSON body of the GraphQL inbox query (the newest 50 of INBOX) for <paramref name="accountId"/>.</summary>
    public static string InboxBody(string accountId) =>
        JsonSerializer.Serialize(new { query = InboxQuery, variables = new { a = accountId, m = ResourceIds.Mailbox("INBOX") } });

    /// <summary>The cache's own figures from the gateway's /metrics.</summary>
    public static async Task<string> MetricsAsync(GatewayClient client, CancellationToken cancellationToken)
    {
        var metrics = await client.Http.GetStringAsync("metrics", cancellationToken);
        double Sum(string prefix, string? label = null) => metrics.Split('\n')
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        var hits = Sum("mailgateway_cache_lookups", "outcome=\"hit\"");
        var misses = Sum("mailgateway_cache_lookups", "outcome=\"miss\"");
        return string.Create(CultureInfo.InvariantCulture,
            $"read cache: {hits:F0} hits, {misses:F0} misses (hit ratio {(hits + misses == 0 ? 0 : hits / (hits + misses)):F3}), {Sum("mailgateway_cache_bytes") / 1024:F0} KiB held, {Sum("mailgateway_cache_watched_hits"):F0} reads with no IMAP command (watched)");
    }

    private static async Task<HubConnection> WatchAsync(Uri baseAddress, GatewayClient client, string accountId, CancellationToken cancellationToken)
    {
        var token = client.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/mail"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        connection.On<JsonElement>("mailEvent", _ => { });
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync("Subscribe", accountId, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // the watch connection comes up
        return connection;
    }
}
