using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailGateway.Bench.Scale;

namespace MailGateway.Bench.Soak;

/// <summary>Everything a soak run measured, for <see cref="SoakReport"/>.</summary>
internal sealed record SoakRun(TimeSpan Duration, int Accounts, IReadOnlyDictionary<string, string> Settings, SoakLedger Ledger, WebhookSink Hooks, IReadOnlyList<string> Faults,
    IReadOnlyList<MemorySample> Memory, MemorySample AfterDrain, TimeSpan Drain, int HubReconnects);

/// <summary>The soak run's printout: requests by status, events expected vs delivered per channel (overall and per
/// fault kind), push latency, and the memory timeline with a verdict on its growth over the second half.</summary>
internal static class SoakReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(SoakRun run)
    {
        var ledger = run.Ledger;
        var expected = ledger.Appended;
        var hooked = run.Hooks.Delivered;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(Inv));
        Line($"soak: {run.Duration.TotalSeconds:F0} s, {run.Accounts} watched accounts, 1 APPEND / 0.5 s, 4 readers; a fault every 20 s in turn: {string.Join(", ", SoakFaults.Kinds)}{(run.Settings.Count == 0 ? "" : "; settings: " + string.Join(", ", run.Settings.Select(kv => $"{kv.Key}={kv.Value}")))}");
        Line($"faults: {string.Join(", ", run.Faults)}");
        Line($"requests: {ledger.Statuses.Values.Sum()}  by status: {Statuses(ledger.Statuses)}  no answer (transport error): {ledger.TransportErrors}");
        Line($"APPENDs: {expected.Count} (failed: {ledger.AppendFailures})  drain after the load: {run.Drain.TotalSeconds:F0} s  SignalR reconnects: {run.HubReconnects}");
        Line($"events expected: {expected.Count}  SignalR delivered: {expected.Keys.Count(ledger.Pushed.ContainsKey)} (lost {expected.Keys.Count(s => !ledger.Pushed.ContainsKey(s))}, duplicates {ledger.PushCount.Values.Sum(v => v - 1)}, not appended {ledger.Pushed.Keys.Count(s => !expected.ContainsKey(s))})  webhooks delivered: {expected.Keys.Count(hooked.ContainsKey)} (lost {expected.Keys.Count(s => !hooked.ContainsKey(s))}, duplicates {run.Hooks.Duplicates}, not appended {hooked.Keys.Count(s => !expected.ContainsKey(s))})");
        var push = Latencies(expected, ledger.Pushed, _ => true);
        var hook = Latencies(expected, hooked, _ => true);
        Line($"latency APPEND → SignalR p50 {P(push, 0.5):F0} ms  p99 {P(push, 0.99):F0} ms  max {P(push, 1):F0} ms;  APPEND → webhook p50 {P(hook, 0.5):F0} ms  p99 {P(hook, 0.99):F0} ms  max {P(hook, 1):F0} ms");
        Line($"per fault kind (events appended from the fault's start until the next fault's):");
        var windows = ledger.Windows;
        foreach (var kind in windows.Select(w => w.Kind).Distinct())
        {
            var indexes = Enumerable.Range(0, windows.Count).Where(i => windows[i].Kind == kind).ToHashSet();
            bool In(string subject) => indexes.Contains(expected[subject].Window);
            var appended = expected.Keys.Count(In);
            var kindPush = Latencies(expected, ledger.Pushed, In);
            var statuses = new Dictionary<int, int>();
            foreach (var i in indexes) foreach (var (code, n) in windows[i].Statuses) statuses[code] = statuses.GetValueOrDefault(code) + n;
            Line($"  {kind} ×{indexes.Count}: appended {appended}, SignalR lost {expected.Keys.Count(s => In(s) && !ledger.Pushed.ContainsKey(s))} (p99 {P(kindPush, 0.99):F0} ms, max {P(kindPush, 1):F0} ms), webhooks lost {expected.Keys.Count(s => In(s) && !hooked.ContainsKey(s))}; answers {Statuses(statuses)}");
        }
        Line($"late events (SignalR > 2 s after the APPEND), per fault; times from the fault's start:");
        for (var i = 0; i < windows.Count; i++) Late(text, windows[i], expected.Where(e => e.Value.Window == i).ToList(), ledger.Pushed);
        Line($"memory (RSS from /proc; managed heap after the last GC and GC-committed memory from the gateway's /metrics):");
        foreach (var s in run.Memory.Append(run.AfterDrain))
            Line($"  {s.At.TotalMinutes,5:F1} min  RSS {s.RssMiB,5:F0} MiB  heap {s.HeapMiB,5:F1} MiB  committed {s.CommittedMiB,5:F0} MiB  gen2 GCs {s.Gen2,4:F0}  threads {s.Threads,3}  fds {s.OpenFiles,4}{(s == run.AfterDrain ? "  (after the drain)" : "")}");
        text.AppendLine(Verdict(run.Memory));
        return text.ToString().TrimEnd();
    }

    /// <summary>Growth over the second half of the load (from the sample nearest the middle to the last): RSS counts as
    /// levelling off when it grew by at most 5 % of its mid-run value.</summary>
    private static string Verdict(IReadOnlyList<MemorySample> samples)
    {
        if (samples.Count < 3) return "memory verdict: too few samples (run longer or use --soak-sample)";
        var end = samples[^1];
        var mid = samples.MinBy(s => Math.Abs((s.At - end.At / 2).Ticks))!;
        var minutes = (end.At - mid.At).TotalMinutes;
        var rss = end.RssMiB - mid.RssMiB;
        var heap = end.HeapMiB - mid.HeapMiB;
        var bounded = rss <= 0.05 * mid.RssMiB;
        return string.Create(Inv, $"memory verdict: second half ({mid.At.TotalMinutes:F1} → {end.At.TotalMinutes:F1} min) RSS {mid.RssMiB:F0} → {end.RssMiB:F0} MiB ({rss:+0;-0} MiB, {rss / minutes:+0.0;-0.0} MiB/min), heap {mid.HeapMiB:F1} → {end.HeapMiB:F1} MiB ({heap:+0.0;-0.0}), first half RSS {samples[0].RssMiB:F0} → {mid.RssMiB:F0} MiB: {(bounded ? "levels off" : "STILL GROWING")} (criterion: second-half RSS growth ≤ 5 % of the mid-run RSS)");
    }

    private static void Late(StringBuilder text, SoakWindow window, List<KeyValuePair<string, (long At, int Window, string User)>> appended, IReadOnlyDictionary<string, long> pushed)
    {
        double Since(long at) => Stopwatch.GetElapsedTime(window.Started, at).TotalSeconds;
        var late = appended.Where(e => !pushed.ContainsKey(e.Key) || Stopwatch.GetElapsedTime(e.Value.At, pushed[e.Key]).TotalSeconds > 2).ToList();
        if (late.Count == 0) return;
        var delivered = late.Where(e => pushed.ContainsKey(e.Key)).Select(e => Since(pushed[e.Key])).DefaultIfEmpty(double.NaN).ToList();
        text.AppendLine(string.Create(Inv, $"  {window.Kind}: {late.Count} of {appended.Count} ({late.Select(e => e.Value.User).Distinct().Count()} accounts), appended +{late.Min(e => Since(e.Value.At)):F1}..+{late.Max(e => Since(e.Value.At)):F1} s, delivered +{delivered.Min():F1}..+{delivered.Max():F1} s"));
    }

    private static string Statuses(IEnumerable<KeyValuePair<int, int>> statuses) =>
        string.Join(" ", statuses.OrderBy(s => s.Key).Select(s => s.Key == 0 ? $"none={s.Value}" : $"{s.Key}={s.Value}"));

    private static double[] Latencies(IReadOnlyDictionary<string, (long At, int Window, string User)> expected, IReadOnlyDictionary<string, long> delivered, Func<string, bool> filter) =>
        [.. expected.Where(e => filter(e.Key) && delivered.ContainsKey(e.Key))
            .Select(e => Math.Max(0, Stopwatch.GetElapsedTime(e.Value.At, delivered[e.Key]).TotalMilliseconds)).Order()];

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : p >= 1 ? sorted[^1] : LoadRunner.Percentile(sorted, p);
}
