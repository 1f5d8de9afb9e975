using System.Collections.Concurrent;

namespace MailGateway.Api.Cluster;

/// <summary>Which of this instance's watches are connected and caught up (their sync state is persisted, so a handoff
/// from here on loses nothing). The operator view and its gauge count these as "accounts watched": a watch that is
/// still connecting, or reconnecting after a failure, does not watch yet.</summary>
internal sealed class WatchConnections
{
    private readonly ConcurrentDictionary<string, bool> _accounts = new(StringComparer.Ordinal);

    public int Connected => _accounts.Count(p => p.Value);

    public void Set(string accountId, bool connected) => _accounts[accountId] = connected;

    public void Forget(string accountId) => _accounts.TryRemove(accountId, out _);
}
