using System.IO.Hashing;
using System.Text;

namespace MailGateway.Api.Cluster;

/// <summary>
/// Which live instance watches which account: rendezvous (highest-random-weight) hashing with a load bound. Each
/// account goes to the instance with the highest <c>XxHash64(instance, account)</c> that still has room under
/// ⌈accounts / instances × (1 + slack)⌉, accounts taken in id order. Every instance computes the same answer from the
/// same live set and demand, so no coordination is needed; when an instance joins or leaves only about its share of
/// accounts moves. The lease stays the safety net that keeps a watch single.
/// </summary>
internal static class WatchOwnership
{
    public static Dictionary<string, string> Assign(IEnumerable<string> accounts, IReadOnlyCollection<string> instances, double slack)
    {
        var sorted = accounts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var owners = new Dictionary<string, string>(sorted.Count, StringComparer.Ordinal);
        var live = instances.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (live.Length == 0) return owners;
        var cap = Math.Max(1, (int)Math.Ceiling(sorted.Count / (double)live.Length * (1 + Math.Max(0, slack))));
        var load = new int[live.Length];
        var weights = new ulong[live.Length];
        var order = new int[live.Length];
        foreach (var account in sorted)
        {
            for (var i = 0; i < live.Length; i++)
            {
                weights[i] = Weight(live[i], account);
                order[i] = i;
            }
            Array.Sort(order, (x, y) => weights[y].CompareTo(weights[x]));
            var chosen = order.FirstOrDefault(i => load[i] < cap, order[0]);
            load[chosen]++;
            owners[account] = live[chosen];
        }
        return owners;
    }

    internal static ulong Weight(string instance, string account) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(instance + "\n" + account));
}
