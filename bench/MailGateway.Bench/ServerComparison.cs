using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Imap.Pooling;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>
/// <c>--servers</c> (issue 16 item 7): Cyrus against Dovecot on what Cyrus's 4 KiB writes without TCP_NODELAY slow
/// down. A page FETCH one command at a time and pipelined (a NOOP in flight behind it), on a plain socket and with the
/// gateway's <see cref="QuickAckStream"/>; a 15 MB message downloaded in partial fetches of several chunk sizes; the
/// gateway's raw download of it; and the gateway's RSS per pooled IMAP connection.
/// </summary>
internal static class ServerComparison
{
    private const string User = "user1";
    private const int Rounds = 31;
    private const int PageSize = 50;
    private const int BigMegabytes = 15;
    private const int PooledAccounts = 30;
    private const string PageItems = "(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT FROM TO CC DATE)])";

    public static async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var results = new Dictionary<MailServerKind, Dictionary<string, double>>();
        foreach (var server in new[] { MailServerKind.Dovecot, MailServerKind.Cyrus })
            results[server] = await MeasureAsync(server, cancellationToken);
        var report = new StringBuilder();
        report.AppendLine("| work (median) | Dovecot | Cyrus | Cyrus/Dovecot |");
        report.AppendLine("|---|---|---|---|");
        foreach (var row in results[MailServerKind.Dovecot].Keys)
        {
            var (d, c) = (results[MailServerKind.Dovecot][row], results[MailServerKind.Cyrus][row]);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {row} | {d:F1} | {c:F1} | {c / d:F2} |");
        }
        return report.ToString();
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(MailServerKind server, CancellationToken cancellationToken)
    {
        Benchmarks.Log($"{server}: starting, seeding 300 messages and one of {BigMegabytes} MB ...");
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { Server = server }, cancellationToken);
        await env.SeedAsync(User, 300, cancellationToken);
        var (big, bigSize) = await AppendBigAsync(env, cancellationToken);
        var rows = new Dictionary<string, double>();

        await using (var raw = await RawImap.OpenAsync(env, User, cancellationToken))
        {
            var fetch = $"FETCH {300 - PageSize + 1}:300 {PageItems}";
            rows[$"{PageSize}-summary FETCH, one command at a time, plain socket (ms)"] = await MedianAsync(async () => (await raw.RunAsync([fetch], cancellationToken)).TotalMilliseconds);
            rows[$"{PageSize}-summary FETCH, NOOP sent in the same write, plain socket (ms)"] = await MedianAsync(async () => (await raw.RunAsync([fetch, "NOOP"], cancellationToken)).TotalMilliseconds);
            rows[$"{PageSize}-summary FETCH, NOOP sent once the answer starts, plain socket (ms)"] = await MedianAsync(async () => (await raw.RunNudgedAsync(fetch, cancellationToken)).TotalMilliseconds);
            foreach (var inFlight in new[] { 1, 2 })
                rows[$"{BigMegabytes} MB in 256 KiB partial fetches, {inFlight} in flight, plain socket (MB/s)"] =
                    BigMegabytes * 1000 / await MedianAsync(async () => (await raw.DownloadAsync(big.Id, bigSize, 256 * 1024, inFlight, cancellationToken)).TotalMilliseconds, 3);
        }
        using (var plain = await ConnectAsync(env, quickAck: false, cancellationToken))
        using (var acked = await ConnectAsync(env, quickAck: true, cancellationToken))
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate |
                MessageSummaryItems.Size | MessageSummaryItems.BodyStructure, Imap.Mime.SummaryFetch.SummaryHeaders);
            rows[$"{PageSize}-summary FETCH, MailKit, plain socket (ms)"] = await MedianAsync(() => TimeAsync(() => plain.Inbox.FetchAsync(300 - PageSize, 299, request, cancellationToken)));
            rows[$"{PageSize}-summary FETCH, MailKit on QuickAckStream (gateway) (ms)"] = await MedianAsync(() => TimeAsync(() => acked.Inbox.FetchAsync(300 - PageSize, 299, request, cancellationToken)));
            foreach (var chunk in new[] { 64 * 1024, Imap.Session.ImapSession.ChunkSize, 1024 * 1024 })
            {
                rows[$"{BigMegabytes} MB in {chunk / 1024} KiB partial fetches, plain socket (MB/s)"] = BigMegabytes * 1000 / await MedianAsync(() => TimeAsync(() => DownloadAsync(plain, big, chunk, cancellationToken)), 3);
                rows[$"{BigMegabytes} MB in {chunk / 1024} KiB partial fetches, QuickAckStream (MB/s)"] = BigMegabytes * 1000 / await MedianAsync(() => TimeAsync(() => DownloadAsync(acked, big, chunk, cancellationToken)), 3);
            }
        }
        await GatewayAsync(env, big, rows, cancellationToken);
        return rows;
    }

    /// <summary>The gateway's raw download of the big message, and its RSS per pooled connection (one page each of
    /// <see cref="PooledAccounts"/> accounts: one connection each, kept in the pool).</summary>
    private static async Task GatewayAsync(MailEnvironment env, UniqueId big, Dictionary<string, double> rows, CancellationToken cancellationToken)
    {
        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var settings = Benchmarks.GatewaySettings(env, signingKey);
        settings["Imap:Cache:Enabled"] = "false";
        await using var gateway = await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), settings, cancellationToken);
        using var client = new GatewayClient(gateway.BaseAddress, DevTokens.Create(signingKey, "bench-servers"));
        var accountId = await client.RegisterAccountAsync(env, User, cancellationToken);
        var id = Api.Shared.ResourceIds.Message(new Imap.MessageRef("INBOX", big.Validity, big.Id));
        rows[$"gateway raw download of the {BigMegabytes} MB message (MB/s)"] =
            BigMegabytes * 1000 / await MedianAsync(() => TimeAsync(() => client.GetAsync($"api/v1/accounts/{accountId}/messages/{id}/raw", cancellationToken)), 3);

        var ids = new List<string>();
        foreach (var user in env.Users.Where(u => u.StartsWith("user", StringComparison.Ordinal)).Skip(1).Take(PooledAccounts))
            ids.Add(await client.RegisterAccountAsync(env, user, cancellationToken));
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = gateway.RssMiB();
        var connectionsBefore = await ConnectionsOpenAsync(client, cancellationToken);
        foreach (var account in ids)
            await client.GetAsync($"api/v1/accounts/{account}/mailboxes/{Api.Shared.ResourceIds.Mailbox("INBOX")}/messages?limit=20", cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var opened = await ConnectionsOpenAsync(client, cancellationToken) - connectionsBefore;
        rows[$"gateway RSS per pooled IMAP connection ({opened:F0} opened) (KiB)"] = (gateway.RssMiB() - before) * 1024 / Math.Max(1, opened);
    }

    private static async Task<double> ConnectionsOpenAsync(GatewayClient client, CancellationToken cancellationToken) =>
        (await client.Http.GetStringAsync("metrics", cancellationToken)).Split('\n')
            .Where(l => l.StartsWith("mailgateway_imap_connections_open", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task<(UniqueId Uid, long Size)> AppendBigAsync(MailEnvironment env, CancellationToken cancellationToken)
    {
        var body = new BodyBuilder { TextBody = "big" };
        body.Attachments.Add("big.bin", RandomNumberGenerator.GetBytes(BigMegabytes * 1000 * 1000 * 3 / 4), new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "bench big message", Body = body.ToMessageBody() };
        message.From.Add(new MailboxAddress("Bench", "bench@example.test"));
        var uid = await env.AppendAsync(User, "INBOX", message, cancellationToken);
        using var imap = await env.ConnectAsync(User, cancellationToken);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var fetched = await imap.Inbox.FetchAsync([new UniqueId(imap.Inbox.UidValidity, uid)], new FetchRequest(MessageSummaryItems.Size), cancellationToken);
        return (new UniqueId(imap.Inbox.UidValidity, uid), (long)(fetched[0].Size ?? 0));
    }

    private static async Task DownloadAsync(ImapClient client, UniqueId uid, int chunk, CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += chunk)
        {
            using var stream = await client.Inbox.GetStreamAsync(uid, offset, chunk, cancellationToken);
            await stream.CopyToAsync(Stream.Null, cancellationToken);
            if (stream.Length < chunk) return;
        }
    }

    private static async Task<ImapClient> ConnectAsync(MailEnvironment env, bool quickAck, CancellationToken cancellationToken)
    {
        var client = env.CreateClient();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, env.ImapsPort, cancellationToken);
        if (quickAck) await client.ConnectAsync(new QuickAckStream(socket), "localhost", env.ImapsPort, SecureSocketOptions.SslOnConnect, cancellationToken);
        else await client.ConnectAsync(socket, "localhost", env.ImapsPort, SecureSocketOptions.SslOnConnect, cancellationToken);
        await client.AuthenticateAsync(User, env.CurrentPasswordOf(User), cancellationToken);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return client;
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<double> MedianAsync(Func<Task<double>> measure, int rounds = Rounds)
    {
        await measure(); // warm-up
        var samples = new List<double>(rounds);
        for (var i = 0; i < rounds; i++) samples.Add(await measure());
        samples.Sort();
        return samples[rounds / 2];
    }
}
