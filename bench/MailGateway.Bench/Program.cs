using System.Globalization;
using MailGateway.Bench;

// MailGateway benchmark: the gateway against direct MailKit on the same private Dovecot, in one run.
// Usage: dotnet run --project bench/MailGateway.Bench -c Release -- [--server dovecot|cyrus] [--messages N] [--seconds S] [--skip-attachment] [--skip-push]
//        [--push-samples N] [--process-warmup S]   (S s of requests to a fresh gateway process before its rows; default 30)
//        [--watch-accounts N]   (RSS per watched account; needs N IMAP connections on the Dovecot)
//        --soak SECONDS [--soak-accounts N] [--soak-sample S] [--soak-setting Key=Value ...]   (soak run with fault injection instead of the
//          benchmarks; a memory sample every S s, default 60; each --soak-setting is one more gateway setting, e.g. Imap:Cache:Enabled=false)
//        --send [--messages N]   (sending: gateway vs direct MailKit SmtpClient against a private Postfix, and send → INBOX time)
//        --quickack [--server dovecot|cyrus]   (TCP_QUICKACK on/off only)
//        --scale [--scale-instances N] [--scale-accounts M] [--scale-seconds S] [--scale-writers W]   (issue 15 item 7: N instances
//          x M watched accounts on a private Redis Cluster: events/s, push latency, RSS per watched account, failover time)
//          [--scale-burst-seconds S] [--scale-burst-connections C] [--scale-burst-max N] [--scale-endpoint-concurrency K]
//          (the maximum events/s: C IMAP connections APPEND faster than the gateways deliver; S 0 skips it)
//        --startup [--startup-runs N] [--startup-dll PATH]   (process start to /health/ready, N times; PATH: e.g. a ReadyToRun publish)
//        --servers   (Cyrus vs Dovecot: page FETCH one at a time / pipelined, chunked download, raw download, RSS per connection)
var options = BenchOptions.Parse(args);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
if (Array.IndexOf(args, "--soak") is var soak and >= 0 && soak + 1 < args.Length)
{
    var accounts = Array.IndexOf(args, "--soak-accounts") is var a and >= 0 && a + 1 < args.Length ? int.Parse(args[a + 1], CultureInfo.InvariantCulture) : 10;
    var sample = Array.IndexOf(args, "--soak-sample") is var m and >= 0 && m + 1 < args.Length ? double.Parse(args[m + 1], CultureInfo.InvariantCulture) : 60;
    var extra = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--soak-setting" && a.i + 1 < args.Length)
        .Select(a => args[a.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
    Console.WriteLine(await MailGateway.Bench.Soak.SoakBenchmark.RunAsync(TimeSpan.FromSeconds(double.Parse(args[soak + 1], CultureInfo.InvariantCulture)), accounts,
        TimeSpan.FromSeconds(sample), extra, cts.Token));
    return 0;
}

if (args.Contains("--scale"))
{
    int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    Console.WriteLine(await MailGateway.Bench.Scale.ScaleBenchmark.RunAsync(Arg("--scale-instances", 3), Arg("--scale-accounts", 1000),
        TimeSpan.FromSeconds(Arg("--scale-seconds", 30)), Arg("--scale-writers", 8),
        new(TimeSpan.FromSeconds(Arg("--scale-burst-seconds", 20)), Arg("--scale-burst-connections", 48), Arg("--scale-burst-max", 6000),
            Arg("--scale-endpoint-concurrency", 1)), cts.Token));
    return 0;
}

if (args.Contains("--send"))
{
    Console.WriteLine(await SendBenchmark.RunAsync(options.Messages == 2000 ? 100 : options.Messages, 20, cts.Token));
    return 0;
}
if (args.Contains("--startup"))
{
    var runs = Array.IndexOf(args, "--startup-runs") is var r and >= 0 && r + 1 < args.Length ? int.Parse(args[r + 1], CultureInfo.InvariantCulture) : 10;
    var dll = Array.IndexOf(args, "--startup-dll") is var d and >= 0 && d + 1 < args.Length ? Path.GetFullPath(args[d + 1]) : null;
    Console.WriteLine(await StartupBenchmark.RunAsync(runs, dll, cts.Token));
    return 0;
}
if (args.Contains("--servers"))
{
    Console.WriteLine(await ServerComparison.RunAsync(cts.Token));
    return 0;
}
if (args.Contains("--quickack"))
{
    Console.WriteLine(await QuickAckBenchmark.RunAloneAsync(options.Server, cts.Token));
    return 0;
}

var report = await Benchmarks.RunAllAsync(options, cts.Token);
Console.WriteLine();
Console.WriteLine(report);
return 0;

internal sealed record BenchOptions(int Messages, TimeSpan Duration, TimeSpan Warmup, bool Attachment, bool Push, int PushSamples, int WatchAccounts,
    MailGateway.Testing.MailServerKind Server = MailGateway.Testing.MailServerKind.Dovecot)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        var seconds = double.Parse(Value("--seconds") ?? "8", CultureInfo.InvariantCulture);
        return new BenchOptions(
            int.Parse(Value("--messages") ?? "2000", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(seconds),
            TimeSpan.FromSeconds(Math.Max(1, seconds / 4)),
            !args.Contains("--skip-attachment"),
            !args.Contains("--skip-push"),
            int.Parse(Value("--push-samples") ?? "200", CultureInfo.InvariantCulture),
            int.Parse(Value("--watch-accounts") ?? "0", CultureInfo.InvariantCulture),
            Enum.Parse<MailGateway.Testing.MailServerKind>(Value("--server") ?? "dovecot", ignoreCase: true))
        {
            ProcessWarmup = TimeSpan.FromSeconds(double.Parse(Value("--process-warmup") ?? "30", CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>How long a freshly started gateway process is exercised before its first row (see <see cref="LoadRunner.WarmProcessAsync"/>).</summary>
    public TimeSpan ProcessWarmup { get; init; } = TimeSpan.FromSeconds(30);
}
