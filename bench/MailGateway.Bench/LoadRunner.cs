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
        await WarmUpAsync(concurrency, warmup, operation, cancellationToken);
        var perWorker = Enumerable.Range(0, concurrency).Select(_ => new List<double>(4096)).ToArray();
        var errors = await RunWorkersAsync(concurrency, duration, operation, perWorker, cancellationToken);
        var all = perWorker.SelectMany(l => l).Order().ToArray();
        return new RunStats(name, concurrency, all.Length, errors, duration.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    /// <summary>
    /// Exercises a freshly started gateway process on every route it will be measured on, round robin from two workers,
    /// for <paramref name="duration"/>. A new .NET process first runs unoptimized code, then (dynamic PGO) instrumented
    /// code, and only then the optimized tier; on a busy 2-core machine that took 20-40 s of load (first-read page
    /// 12-18 ms p50 before, 3.5 ms after; with DOTNET_TieredPGO=0 the same process was fast within its first seconds).
    /// The rows compare steady states: the direct client's process has been running the same MailKit code all along.
    /// </summary>
    public static async Task WarmProcessAsync(TimeSpan duration, IReadOnlyList<Func<int, CancellationToken, Task>> operations, CancellationToken cancellationToken)
    {
        var next = -1;
        await RunWorkersAsync(2, duration, (worker, ct) => operations[(int)((uint)Interlocked.Increment(ref next) % (uint)operations.Count)](worker, ct), null, cancellationToken);
    }

    /// <summary>
    /// Same workers, results thrown away (JIT, caches, pooled connections): at least <paramref name="warmup"/>, then on in
    /// one-second slices until three in a row no longer beat the best median by 5 % (at most 30 s more): each row's code
    /// path reaches its optimized tier before it is measured (a fresh process is warmed by <see cref="WarmProcessAsync"/>).
    /// </summary>
    private static async Task WarmUpAsync(int concurrency, TimeSpan warmup, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        await RunWorkersAsync(concurrency, warmup, operation, null, cancellationToken);
        var best = double.MaxValue;
        for (int slice = 0, flat = 0; slice < 30 && flat < 3 && !cancellationToken.IsCancellationRequested; slice++)
        {
            var perWorker = Enumerable.Range(0, concurrency).Select(_ => new List<double>(1024)).ToArray();
            await RunWorkersAsync(concurrency, TimeSpan.FromSeconds(1), operation, perWorker, cancellationToken);
            var median = Percentile(perWorker.SelectMany(l => l).Order().ToArray(), 0.50);
            flat = median < best * 0.95 ? 0 : flat + 1;
            best = Math.Min(best, median);
        }
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
