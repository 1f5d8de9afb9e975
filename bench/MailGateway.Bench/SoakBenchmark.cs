using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>Soak run (not a test): N watched accounts, steady APPENDs and reads for a configurable time while faults
/// are injected on a schedule (kick every IMAP connection of a user, freeze Redis for 5 s), then counts what each
/// channel delivered. Usage: <c>--soak SECONDS [--soak-accounts N]</c>.</summary>
internal static class SoakBenchmark
{
    public static async Task<string> RunAsync(TimeSpan duration, int accounts, CancellationToken ct)
    {
        await using var env = await MailEnvironment.StartAsync(ct: ct);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var hooks = new HttpListener();
        var hookPort = GatewayProcess.FreePort();
        hooks.Prefixes.Add($"http://127.0.0.1:{hookPort}/");
        hooks.Start();
        var settings = new Dictionary<string, string>
        {
            ["Authentication:Provider"] = "Development", ["Authentication:Development:SigningKey"] = key,
            ["Imap:AllowPrivateNetworks"] = "true", ["Imap:TrustedCertificateFiles:0"] = env.CaCertificatePath,
            ["Redis:Configuration"] = env.RedisConfiguration!, ["RateLimiting:PermitsPerMinute"] = "0",
            ["Webhooks:AllowPrivateNetworks"] = "true", ["Events:SupervisorInterval"] = "00:00:00.500",
        };
        await using var gateway = await GatewayProcess.StartAsync(RepoRoot(), settings, ct);
        var token = DevTokens.Create(key, "soak-user");
        using var client = new GatewayClient(gateway.BaseAddress, token);
        var users = Enumerable.Range(0, accounts).Select(i => $"user{60 + i}").ToList();
        var ids = new Dictionary<string, string>();
        foreach (var user in users) ids[user] = await client.RegisterAccountAsync(env, user, ct);
        using (var hook = await client.Http.PostAsJsonAsync("api/v1/webhooks", new { url = $"http://127.0.0.1:{hookPort}/", events = new[] { "message.created" } }, ct))
            hook.EnsureSuccessStatusCode();

        var appended = new ConcurrentDictionary<string, long>();        // subject → APPEND done (timestamp)
        var pushed = new ConcurrentDictionary<string, int>();           // subject → SignalR events
        var hooked = new ConcurrentDictionary<string, int>();           // subject → webhook deliveries (distinct ids)
        var hookIds = new ConcurrentDictionary<string, byte>();
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var hub = new HubConnectionBuilder().WithUrl(new Uri(gateway.BaseAddress, "hubs/mail"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect().Build();
        hub.On<JsonElement>("mailEvent", e =>
        {
            if (e.GetProperty("type").GetString() != "message.created") return;
            var subject = e.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString() ?? "";
            if (pushed.AddOrUpdate(subject, 1, (_, n) => n + 1) == 1 && appended.TryGetValue(subject, out var at))
                latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        });
        hub.Reconnected += async _ => { foreach (var id in ids.Values) await hub.InvokeAsync("Subscribe", id, ct); };
        await hub.StartAsync(ct);
        foreach (var id in ids.Values) await hub.InvokeAsync("Subscribe", id, ct);
        _ = Task.Run(async () =>
        {
            while (hooks.IsListening)
            {
                var context = await hooks.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = JsonDocument.Parse(await reader.ReadToEndAsync(ct)).RootElement;
                var subject = body.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString() ?? "";
                if (hookIds.TryAdd(context.Request.Headers["webhook-id"] ?? "", 0)) hooked.AddOrUpdate(subject, 1, (_, n) => n + 1);
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }, ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // watches start

        var rssStart = gateway.RssMiB();
        var clock = Stopwatch.StartNew();
        var faults = new List<string>();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var user = users[n % users.Count];
                var subject = $"soak-{n}";
                var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "soak" } };
                message.From.Add(MailboxAddress.Parse("soak@example.test"));
                await env.AppendAsync(user, "INBOX", message, ct);
                appended[subject] = Stopwatch.GetTimestamp();
                await Task.Delay(500, ct);
            }
        }, ct);
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            for (var n = r; clock.Elapsed < duration; n++)
            {
                var id = ids[users[n % users.Count]];
                using var response = await client.Http.GetAsync($"api/v1/accounts/{id}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=20", ct);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
            }
        }, ct)).ToList();
        for (var round = 1; clock.Elapsed < duration - TimeSpan.FromSeconds(10); round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(20), ct);
            if (round % 2 == 1) { await env.KickAsync(users[round % users.Count], ct); faults.Add($"{clock.Elapsed.TotalSeconds:F0}s kick"); }
            else
            {
                await env.FreezeRedisAsync();
                faults.Add($"{clock.Elapsed.TotalSeconds:F0}s redis frozen 5 s");
                try { await Task.Delay(TimeSpan.FromSeconds(5), ct); } finally { await env.ThawRedisAsync(); }
            }
        }
        await writer;
        await Task.WhenAll(readers);
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(90) && (appended.Keys.Any(s => !pushed.ContainsKey(s)) || appended.Keys.Any(s => !hooked.ContainsKey(s))))
            await Task.Delay(500, ct);
        var rssEnd = gateway.RssMiB();
        await hub.DisposeAsync();
        hooks.Stop();

        var lat = latencies.OrderBy(x => x).ToArray();
        var inv = CultureInfo.InvariantCulture;
        return string.Join(Environment.NewLine,
            string.Create(inv, $"soak: {duration.TotalSeconds:F0} s, {accounts} watched accounts, 1 APPEND / 0.5 s, 4 readers; faults: {string.Join(", ", faults)}"),
            string.Create(inv, $"requests: {statuses.Values.Sum()}  by status: {string.Join(" ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))}"),
            string.Create(inv, $"events expected: {appended.Count}  SignalR delivered: {pushed.Count} (lost {appended.Keys.Count(s => !pushed.ContainsKey(s))}, duplicates {pushed.Values.Sum(v => v - 1)})  webhooks delivered: {hooked.Count} (lost {appended.Keys.Count(s => !hooked.ContainsKey(s))}, duplicate ids {hooked.Values.Sum(v => v - 1)})"),
            string.Create(inv, $"push latency APPEND → SignalR p50 {LoadRunner.Percentile(lat, 0.5):F0} ms  p99 {LoadRunner.Percentile(lat, 0.99):F0} ms"),
            string.Create(inv, $"gateway RSS start {rssStart:F0} MiB  end {rssEnd:F0} MiB"));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the soak from inside the repository");
    }
}
