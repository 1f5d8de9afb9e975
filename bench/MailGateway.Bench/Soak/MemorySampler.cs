using System.Diagnostics;
using System.Globalization;

namespace MailGateway.Bench.Soak;

/// <summary>The gateway's memory over the soak run: RSS, open files and threads from /proc, the managed heap and
/// GC counts from its own <c>/metrics</c> (the runtime meter), one sample per interval.</summary>
internal sealed class MemorySampler(GatewayProcess gateway, HttpClient http)
{
    public List<MemorySample> Samples { get; } = [];

    /// <summary>Samples now, then every <paramref name="interval"/> until <paramref name="until"/> on <paramref name="clock"/>.</summary>
    public async Task RunAsync(Stopwatch clock, TimeSpan interval, TimeSpan until, CancellationToken ct)
    {
        for (var next = TimeSpan.Zero; next <= until; next += interval)
        {
            if (next > clock.Elapsed) await Task.Delay(next - clock.Elapsed, ct);
            Samples.Add(await SampleAsync(clock.Elapsed, ct));
        }
    }

    public async Task<MemorySample> SampleAsync(TimeSpan at, CancellationToken ct)
    {
        var rss = gateway.RssMiB();
        double heap = double.NaN, committed = double.NaN, gen2 = double.NaN;
        try
        {
            // The scrape goes through the same gateway; while Redis is down it still answers (anonymous, no Redis).
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), timeout.Token);
            heap = Sum(text, "dotnet_gc_last_collection_heap_size_bytes") / 1048576;
            committed = Sum(text, "dotnet_gc_last_collection_memory_committed_size_bytes") / 1048576;
            gen2 = Sum(text, "dotnet_gc_collections_total", "gc_heap_generation=\"gen2\"");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested) { }
        return new MemorySample(at, rss, heap, committed, gen2, gateway.Threads(), gateway.OpenFiles());
    }

    /// <summary>The sum of every series of <paramref name="metric"/> (whose labels contain <paramref name="label"/>) in a
    /// Prometheus text scrape; NaN when there is none.</summary>
    private static double Sum(string scrape, string metric, string label = "")
    {
        var sum = double.NaN;
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' ')) continue;
            if (label.Length > 0 && !line.Contains(label, StringComparison.Ordinal)) continue;
            var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) sum = double.IsNaN(sum) ? v : sum + v;
        }
        return sum;
    }
}

/// <summary>One sample: RSS, managed heap after the last GC, memory the GC has committed, gen2 collections so far,
/// threads and open file descriptors.</summary>
internal sealed record MemorySample(TimeSpan At, double RssMiB, double HeapMiB, double CommittedMiB, double Gen2, int Threads, int OpenFiles);
