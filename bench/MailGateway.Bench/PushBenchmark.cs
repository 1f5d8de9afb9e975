using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MailGateway.Testing;
using MailKit;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>Time from an APPEND completing on a separate IMAP connection to (a) a direct MailKit IDLE client
/// seeing EXISTS and (b) a SignalR client of the gateway receiving <c>message.created</c>.</summary>
internal static class PushBenchmark
{
    private const string User = "user2";

    public static async Task<string> RunAsync(MailEnvironment env, GatewayProcess gateway, GatewayClient client, string _, int samples, CancellationToken cancellationToken)
    {
        var accountId = await client.RegisterAccountAsync(env, User, cancellationToken);
        using var appender = await env.ConnectAsync(User, cancellationToken);

        Benchmarks.Log($"push latency, direct IDLE, {samples} samples ...");
        var direct = await DirectIdleAsync(env, appender, samples, cancellationToken);

        Benchmarks.Log($"push latency, gateway SignalR, {samples} samples ...");
        var token = client.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var viaGateway = await SignalRAsync(gateway.BaseAddress, token, accountId, appender, samples, cancellationToken);

        string Line(string name, double[] v) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {v.Length} | {LoadRunner.Percentile(v, 0.5):F0} | {LoadRunner.Percentile(v, 0.95):F0} | {LoadRunner.Percentile(v, 0.99):F0} |");
        return string.Join(Environment.NewLine,
            "",
            "| APPEND → push | samples | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|",
            Line("direct MailKit IDLE sees EXISTS", direct),
            Line("gateway SignalR message.created", viaGateway),
            string.Create(CultureInfo.InvariantCulture,
                $"ratio SignalR/direct p50: {LoadRunner.Percentile(viaGateway, 0.5) / LoadRunner.Percentile(direct, 0.5):F2}, p50 difference {LoadRunner.Percentile(viaGateway, 0.5) - LoadRunner.Percentile(direct, 0.5):F0} ms"));
    }

    private static async Task<double[]> DirectIdleAsync(MailEnvironment env, MailKit.Net.Imap.ImapClient appender, int samples, CancellationToken cancellationToken)
    {
        using var idler = await env.ConnectAsync(User, cancellationToken);
        await idler.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        long signalled = 0;
        var arrived = new SemaphoreSlim(0);
        idler.Inbox.CountChanged += (_, _) => { Volatile.Write(ref signalled, Stopwatch.GetTimestamp()); arrived.Release(); };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var done = new CancellationTokenSource();
        var idle = idler.IdleAsync(done.Token, stop.Token);
        var results = await MeasureAsync(appender, samples, async ct => { await arrived.WaitAsync(ct); return Volatile.Read(ref signalled); }, cancellationToken);
        await done.CancelAsync();
        await idle;
        return results;
    }

    private static async Task<double[]> SignalRAsync(Uri baseAddress, string token, string accountId, MailKit.Net.Imap.ImapClient appender, int samples, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/mail"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        long signalled = 0;
        var arrived = new SemaphoreSlim(0);
        connection.On<JsonElement>("mailEvent", e =>
        {
            if (e.GetProperty("type").GetString() == "message.created")
            {
                Volatile.Write(ref signalled, Stopwatch.GetTimestamp());
                arrived.Release();
            }
        });
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync("Subscribe", accountId, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // the watch connection comes up
        try
        {
            return await MeasureAsync(appender, samples, async ct => { await arrived.WaitAsync(ct); return Volatile.Read(ref signalled); }, cancellationToken);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<double[]> MeasureAsync(MailKit.Net.Imap.ImapClient appender, int samples, Func<CancellationToken, Task<long>> waitForPush, CancellationToken cancellationToken)
    {
        var results = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var message = new MimeMessage { Subject = $"push {i}", Body = new TextPart("plain") { Text = "push latency" } };
            message.From.Add(new MailboxAddress("Bench", "bench@example.test"));
            message.To.Add(new MailboxAddress("User", $"{User}@example.test"));
            await appender.Inbox.AppendAsync(message, MessageFlags.None, cancellationToken);
            var appended = Stopwatch.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(40));
            var at = await waitForPush(timeout.Token);
            results.Add(Math.Max(0, Stopwatch.GetElapsedTime(appended, at).TotalMilliseconds));
        }
        return [.. results.Order()];
    }
}
