using System.Globalization;

namespace MailGateway.Testing;

/// <summary>
/// Fault injection on the private Redis Cluster, by pid: find the master that serves a key's slot, freeze it
/// (SIGSTOP) and thaw it, and wait for a replica to take over a killed master's slots. Nodes are named by their index
/// in <see cref="RedisClusterPorts"/>. The cluster is always asked through a node that is neither frozen nor dead.
/// </summary>
public sealed partial class MailEnvironment
{
    private readonly HashSet<int> _frozenClusterNodes = [];

    /// <summary>The pid of cluster node <paramref name="index"/> (redis-server itself).</summary>
    public int RedisClusterNodePid(int index) => _clusterNodes[index].Id;

    /// <summary>The index of the live master that serves <paramref name="key"/>'s hash slot now (hash tags count:
    /// <c>"{accounts}"</c> names the slot of every <c>…{accounts}…</c> key).</summary>
    public async Task<int> RedisClusterPrimaryOfAsync(string key, CancellationToken ct = default)
    {
        var slot = int.Parse((await AskClusterAsync(["cluster", "keyslot", key], ct).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        return PrimaryOfSlot(await AskClusterAsync(["cluster", "nodes"], ct).ConfigureAwait(false), slot)
            ?? throw new InvalidOperationException($"No live master serves slot {slot}.");
    }

    /// <summary>SIGSTOP to cluster node <paramref name="index"/>: its connections stay open, it answers nothing, and the
    /// others keep serving their slots.</summary>
    public async Task FreezeRedisClusterNodeAsync(int index)
    {
        _frozenClusterNodes.Add(index);
        await SignalAsync("STOP", RedisClusterNodePid(index)).ConfigureAwait(false);
    }

    /// <summary>SIGCONT to cluster node <paramref name="index"/>.</summary>
    public async Task ThawRedisClusterNodeAsync(int index)
    {
        await SignalAsync("CONT", RedisClusterNodePid(index)).ConfigureAwait(false);
        _frozenClusterNodes.Remove(index);
    }

    /// <summary>Waits until <paramref name="key"/>'s slot is served by a live master other than <paramref name="former"/>
    /// (a replica promoted after the master was killed) and the cluster reports <c>cluster_state:ok</c>; returns that
    /// master's index.</summary>
    public async Task<int> WaitForRedisClusterTakeoverAsync(string key, int former, TimeSpan timeout, CancellationToken ct = default)
    {
        var slot = int.Parse((await AskClusterAsync(["cluster", "keyslot", key], ct).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var primary = PrimaryOfSlot(await AskClusterAsync(["cluster", "nodes"], ct).ConfigureAwait(false), slot);
            if (primary is { } p && p != former
                && (await AskClusterAsync(["cluster", "info"], ct).ConfigureAwait(false)).Contains("cluster_state:ok", StringComparison.Ordinal))
                return p;
            if (DateTime.UtcNow > until) throw new TimeoutException($"No replica took over slot {slot} within {timeout}.");
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every replica's link to its master is up (it has the master's data, and can be promoted).</summary>
    private async Task WaitForReplicasAsync(string cli, CancellationToken ct)
    {
        foreach (var port in RedisClusterPorts)
        {
            await WaitAsync(async () =>
            {
                var (_, info) = await RunClusterToolAsync(cli, ["-h", Host, "-p", port.ToString(CultureInfo.InvariantCulture), "info", "replication"], ct).ConfigureAwait(false);
                return info.Contains("role:master", StringComparison.Ordinal) || info.Contains("master_link_status:up", StringComparison.Ordinal);
            }, $"replica {port} in sync", ct).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a redis-cli command against the first node that is running and not frozen.</summary>
    private async Task<string> AskClusterAsync(IEnumerable<string> command, CancellationToken ct)
    {
        var index = Enumerable.Range(0, _clusterNodes.Count).First(i => !_clusterNodes[i].HasExited && !_frozenClusterNodes.Contains(i));
        var cli = ServerProcess.FindExecutable("redis-cli", "redis-tools");
        var (code, output) = await RunClusterToolAsync(cli,
            ["-h", Host, "-p", RedisClusterPorts[index].ToString(CultureInfo.InvariantCulture), .. command], ct).ConfigureAwait(false);
        return code == 0 ? output : throw new InvalidOperationException($"redis-cli {string.Join(' ', command)} failed ({code}): {output}");
    }

    /// <summary>The index of the master that CLUSTER NODES lists for <paramref name="slot"/> (not failed), or null.</summary>
    private int? PrimaryOfSlot(string clusterNodes, int slot)
    {
        // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot or range>...
        foreach (var line in clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 9 || !fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
                continue;
            var serves = fields.Skip(8).Where(f => !f.StartsWith('[')).Any(range =>
            {
                var bounds = range.Split('-');
                var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                var high = bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low;
                return slot >= low && slot <= high;
            });
            if (!serves) continue;
            var port = int.Parse(fields[1][(fields[1].LastIndexOf(':', fields[1].IndexOf('@')) + 1)..fields[1].IndexOf('@')], CultureInfo.InvariantCulture);
            var index = RedisClusterPorts.ToList().IndexOf(port);
            return index >= 0 ? index : null;
        }
        return null;
    }
}
