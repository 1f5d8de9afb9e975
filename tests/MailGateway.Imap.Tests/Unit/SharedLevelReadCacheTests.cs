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
    private readonly MeterFactory _meters = new();

    private ReadCache Create() => new(Options.Create(new ReadCacheOptions { Shared = true, SharedBreakDuration = TimeSpan.FromSeconds(5) }),
        _meters, _store, _time, NullLogger<ReadCache>.Instance);

    /// <summary>The current value of one of this cache's observable instruments (only its own meter is listened to).</summary>
    private long Observe(string instrument)
    {
        long value = -1;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == instrument && _meters.Created.Contains(i.Meter)) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<int>((_, v, _, _) => value = v);
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => value = v);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

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
        Assert.Equal(1, Observe("mailgateway.cache.shared_breaker_open"));
        Assert.Equal(7, Observe("mailgateway.cache.shared_skipped"));

        _store.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1, 2], ct)); // a miss; the probe behind it finds the store back
        Assert.Equal(2, _store.Gets);
        Assert.False(cache.SharedLevelOpen);
        Assert.Equal(0, Observe("mailgateway.cache.shared_breaker_open"));
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
    public async Task The_probe_runs_behind_the_read_so_no_read_waits_for_a_store_that_is_still_stalled()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = Create();
        _store.Failing = true;
        await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1], ct);
        _store.Failing = false;
        var hang = new TaskCompletionSource<bool>();
        _store.GetHangs = hang.Task;
        _time.Advance(TimeSpan.FromSeconds(5));

        var read = cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1], ct);
        Assert.True(read.IsCompleted, "the read waited for the probe");
        Assert.Empty(await read);
        Assert.Equal(2, _store.Gets);
        await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1], ct); // skipped while the probe is out
        Assert.Equal(2, _store.Gets);

        hang.SetResult(false); // the store times out the probe (its continuations run inline, so the probe has failed after this)
        Assert.True(cache.SharedLevelOpen);
        _time.Advance(TimeSpan.FromSeconds(5));
        _store.GetHangs = null;
        await cache.LoadSharedSummariesAsync(Scope, "INBOX", 7, [1], ct); // the next probe finds it back
        Assert.False(cache.SharedLevelOpen);
        Assert.Equal(3, _store.Gets);
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

        /// <summary>When set, a GET waits for it; false makes the GET time out.</summary>
        public Task<bool>? GetHangs { get; set; }

        public async Task<IReadOnlyList<byte[]?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Gets++;
            if (Failing || (GetHangs is { } hang && !await hang.ConfigureAwait(false))) throw new TimeoutException("store timed out");
            lock (_values) return [.. keys.Select(k => _values.GetValueOrDefault(k))];
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
        public List<System.Diagnostics.Metrics.Meter> Created { get; } = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose() { }
    }
}
