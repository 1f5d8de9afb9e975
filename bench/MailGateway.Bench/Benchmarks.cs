using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Testing;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>Runs every scenario in one process against one Dovecot and prints ratios gateway/direct.</summary>
internal static class Benchmarks
{
    private const string User = "user1";

    public static async Task<string> RunAllAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var report = new StringBuilder();
        Log($"starting {options.Server} + Redis, seeding {options.Messages} messages ...");
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { Server = options.Server }, cancellationToken);
        report.AppendLine(CultureInfo.InvariantCulture, $"IMAP server: {options.Server}");
        await env.SeedAsync(User, options.Messages, cancellationToken);

        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var settings = GatewaySettings(env, signingKey);
        settings["GraphQL:RequestsPerWindow"] = "1000000"; // the largest allowed: the per-user GraphQL budget (300/min) would turn the GraphQL rows into 429s
        settings["Webhooks:AllowPrivateNetworks"] = "true";
        // The watched row measures pages served from the watch-fed view (no IMAP command); unwatched rows are unaffected.
        settings["Imap:Cache:TrustWatch"] = "true";
        Log("starting the gateway process ...");
        await using var gateway = await GatewayProcess.StartAsync(RepoRoot(), settings, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var idleRss = gateway.RssMiB();
        report.AppendLine(CultureInfo.InvariantCulture, $"startup to healthy: {gateway.StartupTime.TotalSeconds:F2} s   idle RSS: {idleRss:F0} MiB");

        using var client = new GatewayClient(gateway.BaseAddress, DevTokens.Create(signingKey, "bench-user"));
        var accountId = await client.RegisterAccountAsync(env, User, cancellationToken);
        var htmlUid = await HtmlMessage.AppendAsync(env, User, cancellationToken);
        await using var direct = await DirectImap.OpenAsync(env, User, 16, cancellationToken);
        var marker = await direct.FindMarkerAsync("body-50k", cancellationToken);
        var pageUrl = $"api/v1/accounts/{accountId}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=50";
        var messageUrl = $"api/v1/accounts/{accountId}/messages/{ResourceIds.Message(new MessageRef("INBOX", direct.UidValidity, marker.Id))}";
        var htmlUrl = $"api/v1/accounts/{accountId}/messages/{ResourceIds.Message(new MessageRef("INBOX", direct.UidValidity, htmlUid))}";

        Log($"warming the gateway process up ({options.ProcessWarmup.TotalSeconds:F0} s) ...");
        var graphQL = CacheBenchmark.InboxBody(accountId);
        await LoadRunner.WarmProcessAsync(options.ProcessWarmup,
            [(_, ct) => client.GetAsync(pageUrl, ct), (_, ct) => client.GetAsync(messageUrl, ct), (_, ct) => client.PostJsonAsync("graphql", graphQL, ct),
             (_, ct) => client.GetAsync(htmlUrl, ct)], cancellationToken);

        var loginsBefore = env.CountLogins(User);
        var rows = new List<(RunStats Direct, RunStats Gateway)>();
        foreach (var concurrency in new[] { 1, 16 })
        {
            rows.Add(await PairAsync($"50-message page", concurrency, options,
                (w, ct) => direct.PageAsync(w, ct), (_, ct) => client.GetAsync(pageUrl, ct), cancellationToken));
            rows.Add(await PairAsync($"one 50 KB message", concurrency, options,
                (w, ct) => direct.MessageAsync(w, marker, ct), (_, ct) => client.GetAsync(messageUrl, ct), cancellationToken));
        }
        rows.Add(await PairAsync("one 50 KB HTML message", 1, options,
            (w, ct) => direct.MessageAsync(w, new MailKit.UniqueId(htmlUid), ct), (_, ct) => client.GetAsync(htmlUrl, ct), cancellationToken));
        var overhead = await LoadRunner.RunAsync("account, no IMAP", 1, options.Warmup, options.Duration,
            (_, ct) => client.GetAsync($"api/v1/accounts/{accountId}", ct), cancellationToken);
        var gatewayRequests = rows.Sum(r => r.Gateway.Requests);
        var logins = env.CountLogins(User) - loginsBefore;
        rows.AddRange(await CacheBenchmark.RunAsync(env, gateway, client, accountId, User, direct, marker, settings, options, cancellationToken));
        // After the cache rows, so the watched rows' reads with no IMAP command are counted.
        var cacheFigures = await CacheBenchmark.MetricsAsync(client, cancellationToken);

        report.AppendLine();
        report.AppendLine("| work | clients | direct MailKit req/s | gateway req/s | gateway/direct throughput | direct p50 / p99 ms | gateway p50 / p99 ms | gateway/direct p50 |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (d, g) in rows)
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {d.Name} | {d.Concurrency} | {d.RequestsPerSecond:F0} | {g.RequestsPerSecond:F0} | {g.RequestsPerSecond / d.RequestsPerSecond:F2} | {d.P50Ms:F1} / {d.P99Ms:F1} | {g.P50Ms:F1} / {g.P99Ms:F1} | {g.P50Ms / d.P50Ms:F2} |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"where a gateway request's time goes: HTTP + auth + account lookup (GET /accounts/{{id}}, no IMAP) p50 {overhead.P50Ms:F1} ms; " +
            $"mean IMAP command time {await CommandTimesAsync(client, cancellationToken)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"IMAP logins during {gatewayRequests} measured gateway requests (+ warm-ups): {(env.Server == MailServerKind.Cyrus ? "n/a (Cyrus logs only to syslog)" : logins)} (pool size per account: 3)");
        report.AppendLine(CultureInfo.InvariantCulture, $"errors: direct {rows.Sum(r => r.Direct.Errors)}, gateway {rows.Sum(r => r.Gateway.Errors)}");
        report.AppendLine(cacheFigures);
        report.AppendLine(await RoundTripBreakdown.RunAsync(env, User, cancellationToken));

        report.AppendLine(await QuickAckBenchmark.RunAsync(env, User, marker, cancellationToken));
        if (options.Attachment)
            report.AppendLine(await AttachmentAsync(env, gateway, client, accountId, cancellationToken));
        if (options.Push)
            report.AppendLine(await PushBenchmark.RunAsync(env, gateway, client, accountId, options.PushSamples, cancellationToken));
        if (options.WatchAccounts > 0)
            report.AppendLine(await WatchedAccountsBenchmark.RunAsync(env, gateway, signingKey, options.WatchAccounts, cancellationToken));
        return report.ToString();
    }

    internal static async Task<(RunStats Direct, RunStats Gateway)> PairAsync(string name, int concurrency, BenchOptions options,
        Func<int, CancellationToken, Task> direct, Func<int, CancellationToken, Task> gateway, CancellationToken cancellationToken)
    {
        Log($"{name}, {concurrency} client(s): direct ...");
        var d = await LoadRunner.RunAsync(name, concurrency, options.Warmup, options.Duration, direct, cancellationToken);
        Log($"{name}, {concurrency} client(s): gateway ...");
        var g = await LoadRunner.RunAsync(name, concurrency, options.Warmup, options.Duration, gateway, cancellationToken);
        return (d, g);
    }

    /// <summary>Downloads a 25 MB attachment through the gateway and reports how much its peak RSS grew.</summary>
    private static async Task<string> AttachmentAsync(MailEnvironment env, GatewayProcess gateway, GatewayClient client, string accountId, CancellationToken cancellationToken)
    {
        Log("25 MB attachment download ...");
        var content = RandomNumberGenerator.GetBytes(25 * 1024 * 1024);
        var body = new BodyBuilder { TextBody = "25 MB attachment" };
        body.Attachments.Add("big.bin", content, new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "bench large attachment", Body = body.ToMessageBody() };
        message.From.Add(new MailboxAddress("Bench", "bench@example.test"));
        message.To.Add(new MailboxAddress("User", $"{User}@example.test"));
        var uid = await env.AppendAsync(User, "INBOX", message, cancellationToken);

        await using var direct = await DirectImap.OpenAsync(env, User, 1, cancellationToken);
        var messageId = ResourceIds.Message(new MessageRef("INBOX", direct.UidValidity, uid));
        using var detail = System.Text.Json.JsonDocument.Parse(await client.Http.GetStringAsync($"api/v1/accounts/{accountId}/messages/{messageId}", cancellationToken));
        var attachmentId = detail.RootElement.GetProperty("attachments")[0].GetProperty("id").GetString();

        GC.Collect();
        await Task.Delay(500, cancellationToken);
        var before = gateway.RssMiB();
        gateway.ResetPeakRss();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await client.GetAsync($"api/v1/accounts/{accountId}/messages/{messageId}/attachments/{attachmentId}", cancellationToken);
        var seconds = started.Elapsed.TotalSeconds;
        var peak = gateway.PeakRssMiB();
        return string.Create(CultureInfo.InvariantCulture,
            $"25 MB attachment: {seconds:F2} s ({25 / seconds:F0} MB/s), gateway RSS {before:F0} MiB before, peak {peak:F0} MiB during: growth {peak - before:F1} MiB");
    }

    /// <summary>Mean duration per IMAP command the gateway sent, from its own /metrics.</summary>
    internal static async Task<string> CommandTimesAsync(GatewayClient client, CancellationToken cancellationToken)
    {
        var metrics = await client.Http.GetStringAsync("metrics", cancellationToken);
        double Read(string series, string command) => metrics.Split('\n')
            .Where(l => l.StartsWith(series, StringComparison.Ordinal) && l.Contains($"command=\"{command}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return string.Join(", ", new[] { "NOOP", "STATUS", "FETCH", "UID FETCH" }.Select(command =>
        {
            var count = Read("mailgateway_imap_command_duration_seconds_count", command);
            return count == 0 ? null : string.Create(CultureInfo.InvariantCulture,
                $"{command} {Read("mailgateway_imap_command_duration_seconds_sum", command) / count * 1000:F2} ms");
        }).Where(s => s is not null));
    }

    /// <summary>A gateway process on this environment: development tokens, its CA trusted, its Redis, no rate limit.</summary>
    internal static Dictionary<string, string> GatewaySettings(MailEnvironment env, string signingKey) => new()
    {
        ["Authentication:Provider"] = "Development",
        ["Authentication:Development:SigningKey"] = signingKey,
        ["Imap:AllowPrivateNetworks"] = "true",
        ["Imap:TrustedCertificateFiles:0"] = env.CaCertificatePath,
        ["Redis:Configuration"] = env.RedisConfiguration!,
        ["RateLimiting:PermitsPerMinute"] = "0",
    };

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmark from inside the repository");
    }

    public static void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");
}
