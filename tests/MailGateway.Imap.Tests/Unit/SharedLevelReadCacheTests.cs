using MailGateway.Imap.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>The read cache over a failing shared store (a fake: the Redis behaviour is in RedisFreezeSharedCacheTests):
/// after one failure the store is not asked again until the break is over, and a write never holds up the read
/// that started it.</summary>
public sealed class SharedLevelReadCacheTests
{
    private const string Scope = "acct|imap.example.test:993|user";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeStore _store = new();

    private ReadCache Create() => new(Options.Create(new ReadCacheOptions { Shared = true, SharedBreakDuration = TimeSpan.FromSeconds(5) }),
        new MeterFactory(), _store, _time, NullLogger<ReadCache>.Instance);

    [Fact]
    public async Task After_a_failing_lookup_the_store_is_skipped_until_one_probe_finds_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = Create();
        _store.Failing = true;
        Assert.Empty(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1, 2], ct));
        Assert.Equal(1, _store.Gets);
        for (var i = 0; i < 5; i++) Assert.Empty(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1, 2], ct));
        Assert.Null(await cache.LoadSharedBodyAsync(Scope, new MessageRef("INBOX", 7, 1), true, ct));
        cache.ShareSummaries(Scope, [Summary(3)]);
        Assert.Equal(1, _store.Gets); // skipped while open, reads and writes alike
        Assert.Equal(0, _store.Sets);

        _store.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1, 2], ct)); // the probe: answered, nothing stored yet
        Assert.Equal(2, _store.Gets);
        cache.ShareSummaries(Scope, [Summary(4)]);
        await cache.SharedWritesSettledAsync(ct);
        Assert.Equal(1, _store.Sets);
        Assert.Equal(4u, Assert.Single(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [4], ct)).Key);
    }

    [Fact]
    public async Task A_write_that_hangs_does_not_hold_up_the_read_and_its_failure_opens_the_breaker()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = Create();
        var hang = new TaskCompletionSource();
        _store.SetHangs = hang.Task;
        cache.ShareSummaries(Scope, [Summary(1)]); // returns while the store holds the write
        Assert.Equal(1, _store.Sets);
        var settled = cache.SharedWritesSettledAsync(ct);
        Assert.False(settled.IsCompleted);

        hang.SetException(new TimeoutException("store timed out"));
        await settled;
        Assert.Empty(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1], ct));
        Assert.Equal(0, _store.Gets);
    }

    [Fact]
    public async Task Writes_a_stalled_store_holds_stop_at_the_byte_cap_and_resume_when_they_end()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = Create();
        var hang = new TaskCompletionSource();
        _store.SetHangs = hang.Task;
        var body = new MessageDetail(Summary(1), [], new string('x', 200_000), null, [], null, []); // about 200 KB serialized
        for (uint uid = 1; uid <= 100; uid++) cache.ShareBody(Scope, new MessageRef("INBOX", 7, uid), true, body with { Summary = Summary(uid) });
        Assert.InRange(_store.Sets, 70, 90); // 16 MiB of the 20 MB started, the rest skipped

        hang.SetResult();
        await cache.SharedWritesSettledAsync(ct);
        var started = _store.Sets;
        cache.ShareBody(Scope, new MessageRef("INBOX", 7, 101), true, body);
        Assert.Equal(started + 1, _store.Sets);
    }

    private static MessageSummary Summary(uint uid) => new("INBOX", 7, uid, null, $"s{uid}", [], [], [], DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch, 100, [], false, "preview");

    private sealed class FakeStore : ISharedReadCache
    {
        private readonly Dictionary<string, byte[]> _values = [];
        public bool Failing { get; set; }
        public Task? SetHangs { get; set; }
        public int Gets { get; private set; }
        public int Sets { get; private set; }

        public Task<IReadOnlyList<byte[]?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Gets++;
            if (Failing) throw new TimeoutException("store timed out");
            lock (_values) return Task.FromResult<IReadOnlyList<byte[]?>>([.. keys.Select(k => _values.GetValueOrDefault(k))]);
        }

        public async Task SetAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, TimeSpan timeToLive, CancellationToken cancellationToken = default)
        {
            Sets++;
            if (Failing) throw new TimeoutException("store timed out");
            if (SetHangs is { } hang) await hang;
            lock (_values) foreach (var (key, value) in entries) _values[key] = value;
        }
    }

    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }
}
