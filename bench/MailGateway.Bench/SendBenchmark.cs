using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>
/// Issue 13 item 7: sending through the gateway (POST /send, the outbox, one authenticated SMTP connection reused
/// for the account's messages due together) against direct
/// MailKit <c>SmtpClient.Send</c> on one open, authenticated connection to the same Postfix; and the time from the send
/// call to the message being in the recipient's INBOX (polled over IMAP every 10 ms) on both paths.
/// </summary>
internal static class SendBenchmark
{
    private const string From = "user1";
    private const string To = "user2";

    public static async Task<string> RunAsync(int messages, int samples, CancellationToken cancellationToken)
    {
        Benchmarks.Log("starting Dovecot + Redis + Postfix ...");
        await using var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartPostfix = true }, cancellationToken);
        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var settings = Benchmarks.GatewaySettings(env, signingKey);
        settings["Sending:MessagesPerHour"] = "0";
        settings["Sending:MessagesPerHourPerUser"] = "0";
        settings["Sending:PollInterval"] = "00:00:00.100";
        await using var gateway = await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), settings, cancellationToken);
        using var client = new GatewayClient(gateway.BaseAddress, DevTokens.Create(signingKey, "bench-sender"));
        var accountId = await RegisterAsync(client, env, cancellationToken);
        using var direct = await env.ConnectSmtpAsync(From, cancellationToken);
        using var inbox = await env.ConnectAsync(To, cancellationToken);
        await inbox.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);

        // Warm-up on both paths (JIT, TLS session, Postfix processes).
        for (var i = 0; i < 3; i++)
        {
            await direct.SendAsync(Message($"warm {i}"), cancellationToken);
            await PostAsync(client, accountId, $"warm {i}", cancellationToken);
        }

        Benchmarks.Log($"direct SmtpClient.Send x {messages} ...");
        var directTimes = new List<double>();
        var directWatch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await direct.SendAsync(Message($"direct {i}"), cancellationToken);
            directTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var directRate = messages / directWatch.Elapsed.TotalSeconds;

        Benchmarks.Log($"gateway POST /send x {messages} ...");
        var postTimes = new List<double>();
        var ids = new List<string>();
        var gatewayWatch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            var started = Stopwatch.GetTimestamp();
            ids.Add(await PostAsync(client, accountId, $"gateway {i}", cancellationToken));
            postTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var postRate = messages / gatewayWatch.Elapsed.TotalSeconds;
        foreach (var id in ids)
            await WaitSentAsync(client, accountId, id, cancellationToken);
        var outboxRate = messages / gatewayWatch.Elapsed.TotalSeconds;

        Benchmarks.Log($"send → INBOX x {samples} on each path ...");
        var directArrival = new List<double>();
        var gatewayArrival = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var marker = Guid.NewGuid().ToString("N");
            var started = Stopwatch.GetTimestamp();
            await direct.SendAsync(Message(marker), cancellationToken);
            await ArrivalAsync(inbox, marker, cancellationToken);
            directArrival.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            marker = Guid.NewGuid().ToString("N");
            started = Stopwatch.GetTimestamp();
            await PostAsync(client, accountId, marker, cancellationToken);
            await ArrivalAsync(inbox, marker, cancellationToken);
            gatewayArrival.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        await direct.DisconnectAsync(true, cancellationToken);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Sending ({messages} messages one after another, Postfix submission with STARTTLS + AUTH, LMTP into Dovecot):");
        report.AppendLine("| work | direct MailKit (one open connection) | gateway | gateway/direct |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| messages/s (direct: Send; gateway: POST /send answered 202) | {directRate:F1} | {postRate:F1} | {postRate / directRate:F2} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| messages/s until the server accepted DATA (gateway: outbox state sent) | {directRate:F1} | {outboxRate:F1} | {outboxRate / directRate:F2} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| p50 / p99 ms per call (Send vs POST /send) | {P(directTimes, 0.5):F1} / {P(directTimes, 0.99):F1} | {P(postTimes, 0.5):F1} / {P(postTimes, 0.99):F1} | {P(postTimes, 0.5) / P(directTimes, 0.5):F2} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| send → recipient's INBOX p50 / max ms ({samples} each) | {P(directArrival, 0.5):F0} / {directArrival.Max():F0} | {P(gatewayArrival, 0.5):F0} / {gatewayArrival.Max():F0} | {P(gatewayArrival, 0.5) / P(directArrival, 0.5):F2} |");
        return report.ToString();
    }

    private static async Task<string> RegisterAsync(GatewayClient client, MailEnvironment env, CancellationToken cancellationToken)
    {
        var body = new
        {
            displayName = "bench sender",
            email = MailEnvironment.EmailOf(From),
            imap = new { host = env.Host, port = env.ImapsPort, security = "tls", username = From, password = MailEnvironment.PasswordOf(From) },
            smtp = new { host = env.Host, port = env.SmtpPort, security = "starttls" },
        };
        using var response = await client.Http.PostAsJsonAsync("api/v1/accounts", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"account registration answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static MimeMessage Message(string marker)
    {
        var message = new MimeMessage { Subject = $"bench {marker}", Body = new TextPart("plain") { Text = "A benchmark message of ordinary size.\n" + new string('x', 2000) } };
        message.From.Add(MailboxAddress.Parse(MailEnvironment.EmailOf(From)));
        message.To.Add(MailboxAddress.Parse(MailEnvironment.EmailOf(To)));
        return message;
    }

    private static async Task<string> PostAsync(GatewayClient client, string accountId, string marker, CancellationToken cancellationToken)
    {
        var body = new
        {
            to = new[] { new { address = MailEnvironment.EmailOf(To) } },
            subject = $"bench {marker}",
            text = "A benchmark message of ordinary size.\n" + new string('x', 2000),
            saveToSent = false,
        };
        using var response = await client.Http.PostAsJsonAsync($"api/v1/accounts/{accountId}/send", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"send answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task WaitSentAsync(GatewayClient client, string accountId, string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var doc = JsonDocument.Parse(await client.Http.GetStringAsync($"api/v1/accounts/{accountId}/outbox/{id}", cancellationToken));
            var state = doc.RootElement.GetProperty("state").GetString();
            if (state == "sent") return;
            if (state is "failed" or "canceled") throw new InvalidOperationException($"submission {id} ended {state}");
            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task ArrivalAsync(ImapClient inbox, string marker, CancellationToken cancellationToken)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            await inbox.NoOpAsync(cancellationToken);
            if ((await inbox.Inbox.SearchAsync(SearchQuery.SubjectContains(marker), cancellationToken)).Count > 0) return;
            await Task.Delay(10, cancellationToken);
        }
        throw new TimeoutException($"{marker} did not arrive");
    }

    private static double P(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return LoadRunner.Percentile(sorted, p);
    }
}
