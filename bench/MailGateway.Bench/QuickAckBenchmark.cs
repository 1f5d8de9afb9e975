using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailGateway.Imap.Pooling;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace MailGateway.Bench;

/// <summary>
/// Issue 16 item 7: MailKit on a plain socket vs on <see cref="QuickAckStream"/> (TCP_QUICKACK after each read, what
/// the gateway's connector uses): median time of partial body fetches and of a 20-summary FETCH on this server.
/// </summary>
internal static class QuickAckBenchmark
{
    private const int Rounds = 51;

    /// <summary><c>--quickack</c>: only this comparison, on a fresh server with 300 seeded messages (no gateway, no Redis).</summary>
    public static async Task<string> RunAloneAsync(MailServerKind server, CancellationToken cancellationToken)
    {
        const string User = "user1";
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { Server = server, StartRedis = false }, cancellationToken);
        await env.SeedAsync(User, 300, cancellationToken);
        await using var direct = await DirectImap.OpenAsync(env, User, 1, cancellationToken);
        var marker = await direct.FindMarkerAsync("body-50k", cancellationToken);
        var report = new StringBuilder();
        for (var round = 1; round <= 3; round++)
            report.Append(await RunAsync(env, User, marker, cancellationToken));
        return report.ToString();
    }

    public static async Task<string> RunAsync(MailEnvironment env, string user, UniqueId marker, CancellationToken cancellationToken)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"TCP_QUICKACK on {env.Server} (median of {Rounds}, ms): | work | plain socket | QuickAckStream |");
        using var plain = await ConnectAsync(env, user, quickAck: false, cancellationToken);
        using var acked = await ConnectAsync(env, user, quickAck: true, cancellationToken);
        foreach (var size in new[] { 2 * 1024, 8 * 1024, 32 * 1024, 48 * 1024 })
        {
            var (p, q) = await MediansAsync(() => PartialAsync(plain, marker, size, cancellationToken), () => PartialAsync(acked, marker, size, cancellationToken));
            report.AppendLine(CultureInfo.InvariantCulture, $"| BODY.PEEK[TEXT]<0.{size}> | {p:F1} | {q:F1} |");
        }
        var (fp, fq) = await MediansAsync(() => SummariesAsync(plain, cancellationToken), () => SummariesAsync(acked, cancellationToken));
        report.AppendLine(CultureInfo.InvariantCulture, $"| FETCH 20 summaries (ENVELOPE BODYSTRUCTURE) | {fp:F1} | {fq:F1} |");
        return report.ToString();
    }

    internal static async Task<ImapClient> ConnectAsync(MailEnvironment env, string user, bool quickAck, CancellationToken cancellationToken)
    {
        var client = env.CreateClient();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, env.ImapsPort, cancellationToken);
        if (quickAck)
            await client.ConnectAsync(new QuickAckStream(socket), "localhost", env.ImapsPort, SecureSocketOptions.SslOnConnect, cancellationToken);
        else
            await client.ConnectAsync(socket, "localhost", env.ImapsPort, SecureSocketOptions.SslOnConnect, cancellationToken);
        await client.AuthenticateAsync(user, env.CurrentPasswordOf(user), cancellationToken);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return client;
    }

    private static async Task PartialAsync(ImapClient client, UniqueId uid, int size, CancellationToken cancellationToken)
    {
        using var stream = await client.Inbox.GetStreamAsync(uid, "TEXT", 0, size, cancellationToken);
        await stream.CopyToAsync(Stream.Null, cancellationToken);
    }

    private static async Task SummariesAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var last = client.Inbox.Count - 1;
        await client.Inbox.FetchAsync(Math.Max(0, last - 19), last,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags, cancellationToken);
    }

    /// <summary>Both variants alternately (which goes first alternates too), so load on a shared machine hits both alike.</summary>
    private static async Task<(double Plain, double Acked)> MediansAsync(Func<Task> plain, Func<Task> acked)
    {
        await plain(); // warm-up
        await acked();
        var p = new List<double>(Rounds);
        var q = new List<double>(Rounds);
        for (var i = 0; i < Rounds; i++)
        {
            if (i % 2 == 0)
            {
                p.Add(await TimeAsync(plain));
                q.Add(await TimeAsync(acked));
            }
            else
            {
                q.Add(await TimeAsync(acked));
                p.Add(await TimeAsync(plain));
            }
        }
        p.Sort();
        q.Sort();
        return (p[Rounds / 2], q[Rounds / 2]);
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
