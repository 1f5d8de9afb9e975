using System.Diagnostics;

namespace MailGateway.Bench;

/// <summary>Latency figures of one measured run.</summary>
internal sealed record RunStats(string Name, int Concurrency, int Requests, int Errors, double Seconds, double P50Ms, double P95Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>Runs an operation from N workers for a fixed time and records every latency.</summary>
internal static class LoadRunner
{
    public static async Task<RunStats> RunAsync(
        string name, int concurrency, TimeSpan warmup, TimeSpan duration,
        Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        // Warm-up: same workers, results thrown away (JIT, caches, pooled connections).
        await RunWorkersAsync(concurrency, warmup, operation, null, cancellationToken);
        var perWorker = Enumerable.Range(0, concurrency).Select(_ => new List<double>(4096)).ToArray();
        var errors = await RunWorkersAsync(concurrency, duration, operation, perWorker, cancellationToken);
        var all = perWorker.SelectMany(l => l).Order().ToArray();
        return new RunStats(name, concurrency, all.Length, errors, duration.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    private static async Task<int> RunWorkersAsync(
        int concurrency, TimeSpan duration, Func<int, CancellationToken, Task> operation,
        List<double>[]? latencies, CancellationToken cancellationToken)
    {
        var errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(worker, cancellationToken);
                    latencies?[worker].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return errors;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
