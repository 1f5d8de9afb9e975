using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MailGateway.Testing;
using MailKit;

namespace MailGateway.Bench.Scale;

/// <summary>
/// The maximum events per second of the deployment (issue 15 item 2): many IMAP connections, each logged in once as a
/// different watched account spread over all of them, APPEND as fast as Dovecot takes them, more than the gateways can
/// deliver, so a backlog builds; then the backlog drains. Delivered webhooks per second over the busy period (first
/// APPEND to last delivery) and in the busiest 5 s are the ceiling; CPU seconds per part say what limits it.
/// </summary>
internal static class ThroughputPhase
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<List<string>> RunAsync(MailEnvironment env, List<string> users, WebhookSink sink, CpuMeter cpu,
        TimeSpan duration, int connections, int maxOffered, CancellationToken ct)
    {
        Benchmarks.Log($"throughput: {connections} IMAP connections APPEND for up to {duration.TotalSeconds:F0} s (at most {maxOffered} messages) ...");
        var targets = Enumerable.Range(0, connections).Select(i => users[(int)((long)i * users.Count / connections)]).Distinct().ToList();
        var clients = await Task.WhenAll(targets.Select(async u => (await env.ConnectAsync(u, ct), u)));
        var appended = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var offered = 0;
        var before = cpu.Take();
        var start = Stopwatch.GetTimestamp();
        try
        {
            await Task.WhenAll(clients.Select((c, w) => Task.Run(async () =>
            {
                var inbox = await c.Item1.GetFolderAsync("INBOX", ct);
                for (var n = 0; Stopwatch.GetElapsedTime(start) < duration && Interlocked.Increment(ref offered) <= maxOffered; n++)
                {
                    var subject = $"burst-{w}-{n}";
                    await inbox.AppendAsync(ScaleBenchmark.Message(subject), MessageFlags.None, ct);
                    appended[subject] = Stopwatch.GetTimestamp();
                }
            }, ct)));
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                try { await client.DisconnectAsync(true, ct); } catch (Exception e) when (e is IOException or MailKit.ServiceNotConnectedException) { }
                client.Dispose();
            }
        }
        var offerTime = Stopwatch.GetElapsedTime(start);
        var offerEnd = Stopwatch.GetTimestamp();
        var backlogAtOfferEnd = appended.Keys.Count(s => !sink.Delivered.ContainsKey(s));
        Benchmarks.Log($"throughput: {appended.Count} appended in {offerTime.TotalSeconds:F1} s, {backlogAtOfferEnd} not yet delivered; draining ...");
        for (var drain = Stopwatch.StartNew(); drain.Elapsed < TimeSpan.FromMinutes(5) && appended.Keys.Any(s => !sink.Delivered.ContainsKey(s));)
            await Task.Delay(250, ct);
        var after = cpu.Take();

        var deliveries = appended.Keys.Where(sink.Delivered.ContainsKey).Select(s => sink.Delivered[s]).Order().ToArray();
        var busy = deliveries.Length > 0 ? Stopwatch.GetElapsedTime(start, deliveries[^1]) : TimeSpan.Zero;
        var rate = deliveries.Length / Math.Max(0.001, busy.TotalSeconds);
        var busiest = deliveries.Length == 0 ? 0 : deliveries
            .GroupBy(t => (int)(Stopwatch.GetElapsedTime(start, t).TotalSeconds / 5)).Max(g => g.Count()) / 5.0;
        // After the offer stopped the gateways have the machine (nearly) to themselves: their own ceiling.
        var drained = deliveries.Count(t => t > offerEnd);
        var drainRate = drained > 0 ? drained / Math.Max(0.001, Stopwatch.GetElapsedTime(offerEnd, deliveries[^1]).TotalSeconds) : 0;
        var latencies = appended.Where(p => sink.Delivered.ContainsKey(p.Key))
            .Select(p => Stopwatch.GetElapsedTime(p.Value, sink.Delivered[p.Key]).TotalMilliseconds).Order().ToArray();
        return
        [
            string.Create(Inv, $"max events/s: {appended.Count} appended in {offerTime.TotalSeconds:F1} s over {clients.Length} IMAP connections to as many accounts ({appended.Count / offerTime.TotalSeconds:F0}/s offered; {backlogAtOfferEnd} still undelivered when the offer stopped), {deliveries.Length} delivered by webhook: {rate:F0}/s over the busy period ({busy.TotalSeconds:F1} s, first APPEND -> last delivery), busiest 5 s {busiest:F0}/s, {drainRate:F0}/s while the backlog drained after the offer; lost {appended.Count - deliveries.Length}, duplicates {sink.Duplicates}"),
            string.Create(Inv, $"  latency under that backlog APPEND -> webhook: p50 {LoadRunner.Percentile(latencies, 0.5):F0} ms  p99 {LoadRunner.Percentile(latencies, 0.99):F0} ms"),
            "  " + CpuMeter.Describe(before, after),
        ];
    }
}
