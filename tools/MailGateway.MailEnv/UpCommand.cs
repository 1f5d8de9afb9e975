using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailGateway.Testing;
using MailKit;

namespace MailGateway.MailEnv;

internal static class UpCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CommandLine args)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        var users = args.GetAll("user") is { Count: > 0 } given ? given : ["demo"];
        var options = new MailEnvironmentOptions
        {
            Directory = Path.GetFullPath(args.Get("dir") ?? ".mailenv"),
            StartRedis = !args.Has("no-redis"),
            RedisAppendOnly = args.Has("aof"),
            ExtraUsers = users,
            ImapPort = args.GetInt("imap-port", 0),
            ImapsPort = args.GetInt("imaps-port", 0),
            RedisPort = args.GetInt("redis-port", 0),
            StartPostfix = args.Has("postfix"),
            ImapHibernateTimeout = args.Has("hibernate") ? TimeSpan.FromSeconds(args.GetInt("hibernate", 3)) : null,
        };
        var seed = new SeedOptions
        {
            InboxCount = args.GetInt("messages", 300),
            LargeAttachmentMarker = args.Has("large"),
            Seed = args.GetInt("seed", 42),
            Days = args.GetInt("days", 90),
        };

        await using var env = await MailEnvironment.StartAsync(options, stop.Token);
        var seeded = new Dictionary<string, object>(StringComparer.Ordinal);
        var seedWatch = Stopwatch.StartNew();
        long seededMessages = 0;
        foreach (var user in users)
        {
            var existing = await InboxCountAsync(env, user, stop.Token);
            if (existing > 0)
            {
                seeded[user] = new { inbox = existing, reused = true };
                continue;
            }
            var result = await env.SeedAsync(user, seed, stop.Token);
            seededMessages += result.Total;
            seeded[user] = new { inbox = result.Counts["INBOX"], total = result.Total, bytes = result.Bytes, ms = (int)result.Elapsed.TotalMilliseconds };
        }
        seedWatch.Stop();

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            ready = true,
            dir = env.Directory,
            host = env.Host,
            imapPort = env.ImapPort,
            imapsPort = env.ImapsPort,
            caCertificate = env.CaCertificatePath,
            redis = env.RedisConfiguration,
            smtpPort = env.SmtpPort,
            dovecotConfig = env.DovecotConfigPath,
            dovecotLog = env.DovecotLogPath,
            passwordOf = "pass-<user>",
            users = seeded,
            startupMs = (int)env.StartupTime.TotalMilliseconds,
            seedMs = (int)seedWatch.Elapsed.TotalMilliseconds,
            seededMessages,
            pid = Environment.ProcessId,
        }, Json));
        await Console.Out.FlushAsync(stop.Token);

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: dispose stops the servers; the directory stays for the next run.
        }
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static async Task<int> InboxCountAsync(MailEnvironment env, string user, CancellationToken ct)
    {
        using var client = await env.ConnectAsync(user, ct);
        await client.Inbox.StatusAsync(StatusItems.Count, ct);
        var count = client.Inbox.Count;
        await client.DisconnectAsync(true, ct);
        return count;
    }
}
