using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Caching;

/// <summary>
/// The read-path cache of one instance (Meter <c>MailGateway.ImapCache</c>): immutable message parts (summaries
/// without their flags, decoded bodies up to <see cref="ReadCacheOptions.MaxBodyBytes"/>) per (account, mailbox,
/// UIDVALIDITY, UID) in one LRU bounded by <see cref="ReadCacheOptions.MaxBytes"/>, plus a <see cref="MailboxView"/>
/// per mailbox for the volatile parts. Nothing here is trusted without a proof of freshness from the server: see
/// <c>ImapSession.CachedListing.cs</c>. No invalidation is needed: a change anywhere raises the mailbox's state.
/// </summary>
public sealed partial class ReadCache
{
    public const string MeterName = "MailGateway.ImapCache";

    private readonly ByteBudgetLru<ItemKey, object> _items;
    private readonly ConcurrentDictionary<ViewKey, MailboxView> _views = new();
    private readonly ConcurrentDictionary<string, WatchFeed> _feeds = new(StringComparer.Ordinal);
    private readonly ReadCacheOptions _options;
    private readonly ISharedReadCache? _shared;
    private readonly Counter<long> _lookups;
    private long _hits;
    private long _misses;
    private long _watchedHits;

    public ReadCache(IOptions<ReadCacheOptions> options, IMeterFactory meterFactory, ISharedReadCache? shared = null,
        TimeProvider? time = null, ILogger<ReadCache>? logger = null)
    {
        _shared = shared;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _options = options.Value;
        _breaker = new SharedLevelBreaker(_options.SharedBreakDuration, time ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance);
        _items = new ByteBudgetLru<ItemKey, object>(_options.MaxBytes);
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("mailgateway.cache.lookups", "{lookup}", "Read-cache lookups by kind (summary, body) and outcome (hit, miss).");
        meter.CreateObservableGauge("mailgateway.cache.bytes", () => _items.Bytes, "By", "Estimated size of the cached summaries and bodies.");
        meter.CreateObservableGauge("mailgateway.cache.entries", () => _items.Count, "{entry}", "Cached summaries and bodies.");
        meter.CreateObservableGauge("mailgateway.cache.views", () => _views.Count, "{mailbox}", "Mailbox views (UIDs + flags) kept.");
        meter.CreateObservableCounter("mailgateway.cache.shared_hits", () => SharedHits, "{entry}",
            "Summaries and bodies found in the shared store (Imap:Cache:Shared) after a local miss.");
        meter.CreateObservableGauge("mailgateway.cache.shared_breaker_open", () => _breaker.IsOpen ? 1 : 0, "{state}",
            "1 while the shared store is skipped after a failure (Imap:Cache:SharedBreakDuration), else 0.");
        meter.CreateObservableCounter("mailgateway.cache.shared_skipped", () => _breaker.Skipped, "{call}",
            "Shared-store reads and writes skipped because its circuit breaker was open.");
        meter.CreateObservableCounter("mailgateway.cache.watched_hits", () => WatchedHits, "{read}",
            "Pages and bodies answered from a watch-fed view with no IMAP command (Imap:Cache:TrustWatch).");
        meter.CreateObservableGauge("mailgateway.cache.hit_ratio", () => HitRatio, "1", "Hits / lookups since start.");
    }

    public bool Enabled => _options.Enabled;
    public int MaxBodyBytes => _options.MaxBodyBytes;
    internal TimeSpan WatchMaxSilence => _options.WatchMaxSilence;
    public long Bytes => _items.Bytes;
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    internal MailboxView View(string scope, string mailbox, uint uidValidity)
    {
        var key = new ViewKey(scope, mailbox);
        var view = _views.AddOrUpdate(key, _ => new MailboxView(uidValidity),
            (_, existing) => existing.UidValidity == uidValidity ? existing : new MailboxView(uidValidity));
        view.LastUsed = Environment.TickCount64;
        if (_views.Count > _options.MaxMailboxViews) TrimViews();
        return view;
    }

    internal bool HasView(string scope, string mailbox) => _views.ContainsKey(new ViewKey(scope, mailbox));

    internal MailboxView? TryGetView(string scope, string mailbox) => _views.GetValueOrDefault(new ViewKey(scope, mailbox));

    /// <summary>Separates cache entries of accounts, and of one account pointed at another server.</summary>
    internal static string ScopeOf(ImapAccount account) => $"{account.Id}|{account.Host}:{account.Port}|{account.Username}";

    /// <summary>The watch feed of an account, when watched views are trusted (<see cref="ReadCacheOptions.TrustWatch"/>).</summary>
    internal WatchFeed? FeedFor(string scope) => _options is { Enabled: true, TrustWatch: true } ? _feeds.GetOrAdd(scope, _ => new WatchFeed()) : null;

    /// <summary>The state up to which the account's watch keeps <paramref name="mailbox"/>'s view current, if it does now.</summary>
    internal bool TryGetLiveState(string scope, string mailbox, out MailboxState state)
    {
        state = default;
        return _options.TrustWatch && _feeds.TryGetValue(scope, out var feed) && feed.TryGetLive(mailbox, _options.WatchMaxSilence, out state);
    }

    /// <summary>Counts a page or body answered with no IMAP command, from a view the watch vouched for.</summary>
    internal void WatchedHit() => Interlocked.Increment(ref _watchedHits);

    /// <summary>Pages and bodies answered from a watched view with no IMAP command, since start.</summary>
    public long WatchedHits => Interlocked.Read(ref _watchedHits);

    internal bool TryGetSummary(string scope, string mailbox, uint uidValidity, uint uid, out MessageSummary summary) =>
        TryGet(new ItemKey(scope, mailbox, uidValidity, uid, ItemKind.Summary), "summary", out summary);

    internal void PutSummary(string scope, MessageSummary summary) =>
        _items.Set(new ItemKey(scope, summary.Mailbox, summary.UidValidity, summary.Uid, ItemKind.Summary), summary, CacheSizes.Of(summary));

    internal bool TryGetBody(string scope, MessageRef message, bool sanitized, out MessageDetail detail) =>
        TryGet(new ItemKey(scope, message.Mailbox, message.UidValidity, message.Uid, sanitized ? ItemKind.Body : ItemKind.RawBody), "body", out detail);

    internal void PutBody(string scope, MessageRef message, bool sanitized, MessageDetail detail)
    {
        var bytes = CacheSizes.Of(detail);
        if (bytes > _options.MaxBodyBytes) return;
        _items.Set(new ItemKey(scope, message.Mailbox, message.UidValidity, message.Uid, sanitized ? ItemKind.Body : ItemKind.RawBody), detail, bytes);
    }

    private bool TryGet<T>(ItemKey key, string kind, out T value)
    {
        if (_items.TryGet(key, out var item) && item is T typed)
        {
            Interlocked.Increment(ref _hits);
            _lookups.Add(1, new("kind", kind), new("outcome", "hit"));
            value = typed;
            return true;
        }
        Interlocked.Increment(ref _misses);
        _lookups.Add(1, new("kind", kind), new("outcome", "miss"));
        value = default!;
        return false;
    }

    private void TrimViews()
    {
        foreach (var stale in _views.OrderBy(v => v.Value.LastUsed).Take(_views.Count / 10 + 1).ToList())
            _views.TryRemove(stale);
    }

    private enum ItemKind : byte { Summary, Body, RawBody }

    private readonly record struct ItemKey(string Scope, string Mailbox, uint UidValidity, uint Uid, ItemKind Kind);

    private readonly record struct ViewKey(string Scope, string Mailbox);
}
