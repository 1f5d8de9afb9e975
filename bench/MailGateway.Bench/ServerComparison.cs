using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Bench;

/// <summary>
/// <c>--servers</c> (issue 16 item 7): Cyrus against Dovecot on what Cyrus's 4 KiB writes without TCP_NODELAY slow
/// down. Both servers run at once and every row samples them alternately (which goes first alternates too), so the
/// load of a shared machine hits both alike. A page FETCH one command at a time and pipelined, on a plain socket and
/// with the gateway's QuickAckStream; a 15 MB message in partial fetches of several chunk sizes, one or two in flight;
/// the gateway's raw download of it; and the gateway's RSS per pooled IMAP connection.
/// </summary>
internal static class ServerComparison
{
    private const string User = "user1";
    private const int PageSize = 50;
    private const int BigMegabytes = 15;
    private const int PooledAccounts = 30;
    private const int DownloadRounds = 5;
    private const string PageItems = "(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT FROM TO CC DATE)])";

    private sealed record Row(string Name, int Rounds, Func<ServerSide, Task<double>> Measure, bool PerSecond = false);

    public static async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        await using var dovecot = await ServerSide.StartAsync(MailServerKind.Dovecot, User, BigMegabytes, cancellationToken);
        await using var cyrus = await ServerSide.StartAsync(MailServerKind.Cyrus, User, BigMegabytes, cancellationToken);
        var fetch = $"FETCH {300 - PageSize + 1}:300 {PageItems}";
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate |
            MessageSummaryItems.Size | MessageSummaryItems.BodyStructure, Imap.Mime.SummaryFetch.SummaryHeaders);
        var rows = new List<Row>
        {
            new($"{PageSize}-summary FETCH, one command at a time, plain socket (ms)", 31, async s => (await s.Raw.RunAsync([fetch], cancellationToken)).TotalMilliseconds),
            new($"{PageSize}-summary FETCH, NOOP sent in the same write, plain socket (ms)", 31, async s => (await s.Raw.RunAsync([fetch, "NOOP"], cancellationToken)).TotalMilliseconds),
            new($"{PageSize}-summary FETCH, NOOP sent once the answer starts, plain socket (ms)", 31, async s => (await s.Raw.RunNudgedAsync(fetch, cancellationToken)).TotalMilliseconds),
            new($"{PageSize}-summary FETCH, MailKit, plain socket (ms)", 31, s => TimeAsync(() => s.Plain.Inbox.FetchAsync(300 - PageSize, 299, request, cancellationToken))),
            new($"{PageSize}-summary FETCH, MailKit on QuickAckStream (the gateway's) (ms)", 31, s => TimeAsync(() => s.Acked.Inbox.FetchAsync(300 - PageSize, 299, request, cancellationToken))),
        };
        foreach (var inFlight in new[] { 1, 2 })
            rows.Add(new($"{BigMegabytes} MB in 256 KiB partial fetches, {inFlight} in flight, plain socket (MB/s)", DownloadRounds,
                async s => (await s.Raw.DownloadAsync(s.Big.Id, s.BigSize, 256 * 1024, inFlight, cancellationToken)).TotalMilliseconds, PerSecond: true));
        foreach (var chunk in new[] { 64 * 1024, Imap.Session.ImapSession.ChunkSize, 1024 * 1024 })
        {
            rows.Add(new($"{BigMegabytes} MB in {chunk / 1024} KiB partial fetches, MailKit, plain socket (MB/s)", DownloadRounds,
                s => TimeAsync(() => DownloadAsync(s.Plain, s.Big, chunk, cancellationToken)), PerSecond: true));
            rows.Add(new($"{BigMegabytes} MB in {chunk / 1024} KiB partial fetches, MailKit on QuickAckStream (MB/s)", DownloadRounds,
                s => TimeAsync(() => DownloadAsync(s.Acked, s.Big, chunk, cancellationToken)), PerSecond: true));
        }
        rows.Add(new($"gateway raw download of the {BigMegabytes} MB message (MB/s)", DownloadRounds,
            s => TimeAsync(() => s.Client.GetAsync(s.RawUrl, cancellationToken)), PerSecond: true));

        var report = new StringBuilder();
        report.AppendLine("| work (median, both servers sampled alternately) | Dovecot | Cyrus | Cyrus/Dovecot |");
        report.AppendLine("|---|---|---|---|");
        foreach (var row in rows)
        {
            Benchmarks.Log(row.Name);
            var (d, c) = await AlternateAsync(row, dovecot, cyrus);
            if (row.PerSecond) (d, c) = (BigMegabytes * 1000 / d, BigMegabytes * 1000 / c);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {d:F1} | {c:F1} | {c / d:F2} |");
        }
        report.AppendLine(CultureInfo.InvariantCulture, $"gateway mean IMAP command times so far: Dovecot {await Benchmarks.CommandTimesAsync(dovecot.Client, cancellationToken)}; Cyrus {await Benchmarks.CommandTimesAsync(cyrus.Client, cancellationToken)}");
        var (rd, nd) = await RssPerConnectionAsync(dovecot, cancellationToken);
        var (rc, nc) = await RssPerConnectionAsync(cyrus, cancellationToken);
        report.AppendLine(CultureInfo.InvariantCulture, $"| gateway RSS per pooled IMAP connection ({nd:F0} / {nc:F0} opened) (KiB) | {rd:F0} | {rc:F0} | {rc / rd:F2} |");
        return report.ToString();
    }

    private static async Task<(double Dovecot, double Cyrus)> AlternateAsync(Row row, ServerSide dovecot, ServerSide cyrus)
    {
        await row.Measure(dovecot); // warm-up
        await row.Measure(cyrus);
        var d = new List<double>(row.Rounds);
        var c = new List<double>(row.Rounds);
        for (var i = 0; i < row.Rounds; i++)
        {
            if (i % 2 == 0)
            {
                d.Add(await row.Measure(dovecot));
                c.Add(await row.Measure(cyrus));
            }
            else
            {
                c.Add(await row.Measure(cyrus));
                d.Add(await row.Measure(dovecot));
            }
        }
        d.Sort();
        c.Sort();
        return (d[row.Rounds / 2], c[row.Rounds / 2]);
    }

    /// <summary>The gateway's RSS growth per pooled connection: one page each of <see cref="PooledAccounts"/> further
    /// accounts (one connection each, kept in the pool), divided by the connections its metrics say were opened.</summary>
    private static async Task<(double KiB, double Opened)> RssPerConnectionAsync(ServerSide side, CancellationToken cancellationToken)
    {
        Benchmarks.Log($"{side.Env.Server}: RSS per pooled connection ...");
        var ids = new List<string>();
        foreach (var user in side.Env.Users.Where(u => u.StartsWith("user", StringComparison.Ordinal)).Skip(1).Take(PooledAccounts))
            ids.Add(await side.Client.RegisterAccountAsync(side.Env, user, cancellationToken));
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = side.Gateway.RssMiB();
        var connectionsBefore = await ConnectionsOpenAsync(side.Client, cancellationToken);
        foreach (var account in ids)
            await side.Client.GetAsync($"api/v1/accounts/{account}/mailboxes/{Api.Shared.ResourceIds.Mailbox("INBOX")}/messages?limit=20", cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var opened = await ConnectionsOpenAsync(side.Client, cancellationToken) - connectionsBefore;
        return ((side.Gateway.RssMiB() - before) * 1024 / Math.Max(1, opened), opened);
    }

    private static async Task<double> ConnectionsOpenAsync(GatewayClient client, CancellationToken cancellationToken) =>
        (await client.Http.GetStringAsync("metrics", cancellationToken)).Split('\n')
            .Where(l => l.StartsWith("mailgateway_imap_connections_open", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task DownloadAsync(ImapClient client, UniqueId uid, int chunk, CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += chunk)
        {
            using var stream = await client.Inbox.GetStreamAsync(uid, offset, chunk, cancellationToken);
            await stream.CopyToAsync(Stream.Null, cancellationToken);
            if (stream.Length < chunk) return;
        }
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
