using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Bench.Scale;
using MailGateway.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;

namespace MailGateway.Bench.Soak;

/// <summary>Soak run (not a test): N watched accounts, steady APPENDs and reads for a configurable time while faults
/// are injected on a schedule (<see cref="SoakFaults"/>), then counts what each channel delivered, overall and per
/// fault kind, and prints the gateway's memory over time. Usage: <c>--soak SECONDS [--soak-accounts N] [--soak-sample S] [--soak-setting Key=Value …]</c>.</summary>
internal static class SoakBenchmark
{
    public static async Task<string> RunAsync(TimeSpan duration, int accounts, TimeSpan sampleEvery, IReadOnlyDictionary<string, string> extraSettings, CancellationToken ct)
    {
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { RedisAppendOnly = true }, ct);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var hooks = new WebhookSink();
        var settings = new Dictionary<string, string>
        {
            ["Authentication:Provider"] = "Development", ["Authentication:Development:SigningKey"] = key,
            ["Imap:AllowPrivateNetworks"] = "true", ["Imap:TrustedCertificateFiles:0"] = env.CaCertificatePath,
            ["Redis:Configuration"] = env.RedisConfiguration!, ["RateLimiting:PermitsPerMinute"] = "0",
            ["Webhooks:AllowPrivateNetworks"] = "true", ["Events:SupervisorInterval"] = "00:00:00.500",
            ["Logging:Console:LogToStandardErrorThreshold"] = "Warning", // the gateway's warnings show as "[gateway] …" on stderr
        };
        foreach (var (name, value) in extraSettings) settings[name] = value;
        await using var gateway = await GatewayProcess.StartAsync(RepoRoot(), settings, ct);
        var token = DevTokens.Create(key, "soak-user");
        using var client = new GatewayClient(gateway.BaseAddress, token);
        var users = Enumerable.Range(0, accounts).Select(i => $"user{60 + i}").ToList();
        var ids = new Dictionary<string, string>();
        foreach (var user in users) ids[user] = await client.RegisterAccountAsync(env, user, ct);
        using (var hook = await client.Http.PostAsJsonAsync("api/v1/webhooks", new { url = $"http://127.0.0.1:{hooks.Port}/", events = new[] { "message.created" } }, ct))
            hook.EnsureSuccessStatusCode();

        var ledger = new SoakLedger();
        var hub = new HubConnectionBuilder().WithUrl(new Uri(gateway.BaseAddress, "hubs/mail"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect(new ForeverRetry()).Build();
        hub.On<JsonElement>("mailEvent", e =>
        {
            if (e.GetProperty("type").GetString() == "message.created")
                ledger.Push(e.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString() ?? "");
        });
        var hubReconnects = 0;
        hub.Reconnected += async _ => { Interlocked.Increment(ref hubReconnects); foreach (var id in ids.Values) await hub.InvokeAsync("Subscribe", id, ct); };
        await hub.StartAsync(ct);
        foreach (var id in ids.Values) await hub.InvokeAsync("Subscribe", id, ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // watches start

        var faults = new SoakFaults(env, users, ledger);
        var memory = new MemorySampler(gateway, client.Http);
        var clock = Stopwatch.StartNew();
        var sampler = memory.RunAsync(clock, sampleEvery, duration, ct);
        var writer = Task.Run(() => WriteAsync(env, users, faults, ledger, clock, duration, ct), ct);
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() => ReadAsync(client, users.Select(u => ids[u]).ToList(), r, ledger, clock, duration, ct), ct)).ToList();
        for (var round = 0; clock.Elapsed < duration - TimeSpan.FromSeconds(25); round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(20), ct);
            await faults.InjectAsync(round, clock.Elapsed, ct);
        }
        await writer;
        await Task.WhenAll(readers);
        await sampler;
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(120) && ledger.Appended.Keys.Any(s => !ledger.Pushed.ContainsKey(s) || !hooks.Delivered.ContainsKey(s)))
            await Task.Delay(500, ct);
        var afterDrain = await memory.SampleAsync(clock.Elapsed, ct);
        await hub.DisposeAsync();

        return SoakReport.Format(new SoakRun(duration, accounts, extraSettings, ledger, hooks, faults.Log, memory.Samples, afterDrain, drain.Elapsed, hubReconnects));
    }

    private static async Task WriteAsync(MailEnvironment env, List<string> users, SoakFaults faults, SoakLedger ledger, Stopwatch clock, TimeSpan duration, CancellationToken ct)
    {
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            var subject = $"soak-{n}";
            var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "soak" } };
            message.From.Add(MailboxAddress.Parse("soak@example.test"));
            await faults.AppendGate.WaitAsync(ct);
            try
            {
                await env.AppendAsync(users[n % users.Count], "INBOX", message, ct);
                ledger.Append(subject, users[n % users.Count]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A kick of this user may cut the APPEND off: stored or not, its subject is not expected (one that
                // arrives all the same counts as "not appended" in the report).
                ledger.AppendFailed();
            }
            finally { faults.AppendGate.Release(); }
            await Task.Delay(500, ct);
        }
    }

    private static async Task ReadAsync(GatewayClient client, List<string> ids, int reader, SoakLedger ledger, Stopwatch clock, TimeSpan duration, CancellationToken ct)
    {
        for (var n = reader; clock.Elapsed < duration; n++)
        {
            try
            {
                using var response = await client.Http.GetAsync($"api/v1/accounts/{ids[n % ids.Count]}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=20", ct);
                ledger.Status((int)response.StatusCode);
                if (!response.IsSuccessStatusCode) await Task.Delay(100, ct);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                ledger.TransportError();
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the soak from inside the repository");
    }

    /// <summary>SignalR's default reconnect gives up after four tries (0, 2, 10, 30 s); a soak keeps trying every 2 s.</summary>
    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromSeconds(retryContext.PreviousRetryCount == 0 ? 0 : 2);
    }
}
