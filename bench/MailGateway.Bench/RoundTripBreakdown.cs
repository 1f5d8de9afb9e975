using System.Diagnostics;
using System.Globalization;
using MailGateway.Imap.Mime;
using MailGateway.Testing;
using MailKit;

namespace MailGateway.Bench;

/// <summary>
/// Where an uncached page's IMAP time goes: the building blocks timed one after another on one open connection with
/// INBOX selected (p50 of 200 each). A gateway page that was not cached costs the proof of freshness (NOOP + STATUS
/// on a connection that kept the mailbox selected, or the SELECT itself on one that did not) plus the page FETCH with
/// the gateway's items; the direct column pays its FETCH only.
/// </summary>
internal static class RoundTripBreakdown
{
    private const MessageSummaryItems DirectItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Flags |
        MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.Envelope |
        MessageSummaryItems.BodyStructure | MessageSummaryItems.PreviewText;

    public static async Task<string> RunAsync(MailEnvironment env, string user, CancellationToken cancellationToken)
    {
        Benchmarks.Log("IMAP round-trip breakdown ...");
        using var client = await env.ConnectAsync(user, cancellationToken);
        // As the gateway's pooled connections: QRESYNC enabled (when offered), the mailbox selected read-write.
        if (client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.QuickResync)) await client.EnableQuickResyncAsync(cancellationToken);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var status = StatusItems.UidValidity | StatusItems.UidNext |
            (client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.CondStore) ? StatusItems.HighestModSeq : StatusItems.None);
        var gatewayItems = SummaryFetch.Request(client.Capabilities);
        var steps = new (string Name, Func<Task> Run)[]
        {
            ("NOOP", () => client.NoOpAsync(cancellationToken)),
            ("NOOP + STATUS", async () => { await client.NoOpAsync(cancellationToken); await inbox.StatusAsync(status, cancellationToken); }),
            ("SELECT", () => inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken)),
            ("FETCH 50, direct items", () => inbox.FetchAsync(Math.Max(0, inbox.Count - 50), -1, DirectItems, cancellationToken)),
            ("FETCH 50, gateway items", () => inbox.FetchAsync(Math.Max(0, inbox.Count - 50), -1, gatewayItems, cancellationToken)),
        };
        foreach (var (_, run) in steps)
            for (var i = 0; i < 50; i++) await run(); // warm-up
        var parts = new List<string>();
        foreach (var (name, run) in steps)
        {
            var times = new double[200];
            for (var i = 0; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await run();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(times);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {LoadRunner.Percentile(times, 0.5):F2} ms"));
        }
        await client.DisconnectAsync(true, cancellationToken);
        return "IMAP building blocks on one open connection, INBOX selected (p50 of 200): " + string.Join(", ", parts);
    }
}
