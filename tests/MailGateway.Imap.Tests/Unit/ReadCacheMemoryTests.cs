using MailGateway.Imap.Caching;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>The read cache's byte budget (<see cref="ReadCacheOptions.MaxBytes"/>) is what bounds its memory, so its
/// estimate of a cached summary must not fall far below what the summary really keeps alive. Measured on the managed
/// heap (10% slack for the measurement), alone in its collection so no other test's allocations count.</summary>
[Collection(nameof(ReadCacheMemoryCollection))]
public sealed class ReadCacheMemoryTests
{
    [Fact]
    public void The_byte_budget_counts_at_least_what_cached_summaries_really_keep_alive()
    {
        const int count = 20_000;
        const string scope = "acct-0123456789|imap.example.test:993|user60";
        var cache = new ReadCache(Options.Create(new ReadCacheOptions()), new MeterFactory());
        cache.PutSummary(scope, Summary(0));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var uid = 1; uid <= count; uid++) cache.PutSummary(scope, Summary(uid));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(cache);

        var real = after - before;
        Assert.True(cache.Bytes >= real * 9 / 10,
            $"the budget counts {cache.Bytes / count} B per summary, the heap grew {real / count} B per summary");
    }

    /// <summary>Like one parsed from a FETCH: every string its own copy.</summary>
    private static MessageSummary Summary(int uid) => new(
        Copy("INBOX"), 7, (uint)uid, $"<{Guid.NewGuid():N}@example.test>", $"soak-{uid}",
        [new EmailAddress(Copy("Soak Sender"), Copy("soak@example.test"))], [], [], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 400,
        [Copy(@"\Recent")], false, Copy("soak"));

    private static string Copy(string s) => new(s.AsSpan());

    private sealed class MeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);
        public void Dispose() { }
    }
}

[CollectionDefinition(nameof(ReadCacheMemoryCollection), DisableParallelization = true)]
public sealed class ReadCacheMemoryCollection;
