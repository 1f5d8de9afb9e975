namespace MailGateway.Imap.Caching;

/// <summary>
/// A second cache level shared by the instances (<c>Imap:Cache:Shared</c>; Redis in the host): serialized immutable
/// parts only (summaries without flags, decoded bodies), by key, with a TTL. Keys passed in one call belong to one
/// mailbox, so a store may keep them together (one Redis Cluster slot). A failing store must not fail the read: the
/// caller treats an exception as a miss.
/// </summary>
public interface ISharedReadCache
{
    /// <summary>The values of <paramref name="keys"/>, null where missing, in the same order.</summary>
    Task<IReadOnlyList<byte[]?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    Task SetAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, TimeSpan timeToLive, CancellationToken cancellationToken = default);
}
