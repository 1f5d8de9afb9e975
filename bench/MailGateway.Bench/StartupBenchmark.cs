using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Testing;

namespace MailGateway.Bench;

/// <summary>Startup to healthy: the gateway process started N times against one private Dovecot + Redis, each time
/// from process start to the first 200 of /health/ready, with the CPU time it used until then (which, unlike the wall
/// time, hardly depends on what else the machine is doing). <c>--startup-dll</c> measures another copy, e.g. a
/// ReadyToRun publish.</summary>
internal static class StartupBenchmark
{
    public static async Task<string> RunAsync(int runs, string? dll, CancellationToken cancellationToken)
    {
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions(), cancellationToken);
        var settings = Benchmarks.GatewaySettings(env, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await using var gateway = dll is null
                ? await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), settings, cancellationToken)
                : await GatewayProcess.StartDllAsync(dll, settings, cancellationToken);
            wall.Add(gateway.StartupTime.TotalMilliseconds);
            cpu.Add(gateway.CpuTime().TotalMilliseconds);
        }
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"startup to healthy ({runs} runs, {dll ?? "build output"}, load {Load()}):");
        report.AppendLine(CultureInfo.InvariantCulture, $"  wall ms: median {Median(wall):F0}, min {wall.Min():F0}, max {wall.Max():F0}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  CPU ms until ready: median {Median(cpu):F0}, min {cpu.Min():F0}, max {cpu.Max():F0}");
        return report.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
