using System.Globalization;
using MailGateway.Testing;

namespace MailGateway.Bench.Scale;

/// <summary>
/// CPU seconds spent by each part of the scale run (gateways, Dovecot, the Redis Cluster nodes, this process: load
/// generator and webhook receiver) and by the whole machine, from <c>/proc</c>, so a run can say what limits it.
/// Dovecot's short-lived children are counted through the master's reaped-children times.
/// </summary>
internal sealed class CpuMeter(MailEnvironment env, Func<IEnumerable<int>> gatewayPids)
{
    private static readonly double Ticks = 100.0; // USER_HZ on Linux

    public sealed record Sample(Dictionary<string, double> Parts, double MachineBusy, double MachineTotal, DateTime At);

    public Sample Take()
    {
        var parts = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["gateways"] = gatewayPids().Sum(p => Seconds(p, children: false)),
            ["dovecot"] = env.DovecotMasterPid is { } master
                ? Seconds(master, children: true) + env.DovecotPids().Where(p => p != master).Sum(p => Seconds(p, children: false)) : 0,
            ["redis"] = RedisPids().Sum(p => Seconds(p, children: false)),
            ["bench"] = Environment.ProcessId is var self ? Seconds(self, children: false) : 0,
        };
        var (busy, total) = Machine();
        return new Sample(parts, busy, total, DateTime.UtcNow);
    }

    /// <summary>"gateways 41.2 s, dovecot 12.0 s, ... of 60.0 s (2 cores): machine busy 97 %".</summary>
    public static string Describe(Sample from, Sample to)
    {
        var wall = (to.At - from.At).TotalSeconds;
        var parts = string.Join(", ", to.Parts.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Key} {p.Value - from.Parts.GetValueOrDefault(p.Key):F1} s")));
        var busy = (to.MachineBusy - from.MachineBusy) / Math.Max(1, to.MachineTotal - from.MachineTotal);
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU over {wall:F0} s x {Environment.ProcessorCount} cores: {parts}; machine busy {busy * 100:F0} % (other engineers' work included)");
    }

    private IEnumerable<int> RedisPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // redis-server renames itself "redis-server 127.0.0.1:PORT [cluster]".
            if (cmdline.Contains("redis-server", StringComparison.Ordinal)
                && env.RedisClusterPorts.Any(port => cmdline.Contains(string.Create(CultureInfo.InvariantCulture, $":{port} "), StringComparison.Ordinal)
                    || cmdline.EndsWith(string.Create(CultureInfo.InvariantCulture, $":{port}"), StringComparison.Ordinal))) yield return pid;
        }
    }

    private static double Seconds(int pid, bool children)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: field 3 is fields[0]; utime 14, stime 15, cutime 16, cstime 17.
            double F(int n) => double.Parse(fields[n - 3], CultureInfo.InvariantCulture);
            return (F(14) + F(15) + (children ? F(16) + F(17) : 0)) / Ticks;
        }
        catch (IOException) { return 0; }
    }

    private static (double Busy, double Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum();
        return (total - idle, total);
    }
}
