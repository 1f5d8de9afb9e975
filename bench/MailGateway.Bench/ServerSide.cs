using System.Security.Cryptography;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>One server of <see cref="ServerComparison"/>: its environment (300 messages and a big one), a raw
/// connection, MailKit on a plain socket and on QuickAckStream, and a gateway process with the account registered.</summary>
internal sealed class ServerSide : IAsyncDisposable
{
    public required MailEnvironment Env { get; init; }
    public required UniqueId Big { get; init; }
    public required long BigSize { get; init; }
    public required RawImap Raw { get; init; }
    public required ImapClient Plain { get; init; }
    public required ImapClient Acked { get; init; }
    public required GatewayProcess Gateway { get; init; }
    public required GatewayClient Client { get; init; }
    public required string RawUrl { get; init; }

    public static async Task<ServerSide> StartAsync(MailServerKind server, string user, int bigMegabytes, CancellationToken cancellationToken)
    {
        Benchmarks.Log($"{server}: starting, seeding 300 messages and one of {bigMegabytes} MB, starting a gateway ...");
        var env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { Server = server }, cancellationToken);
        await env.SeedAsync(user, 300, cancellationToken);
        var body = new BodyBuilder { TextBody = "big" };
        body.Attachments.Add("big.bin", RandomNumberGenerator.GetBytes(bigMegabytes * 1000 * 1000 * 3 / 4), new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "bench big message", Body = body.ToMessageBody() };
        message.From.Add(new MailboxAddress("Bench", "bench@example.test"));
        var uid = await env.AppendAsync(user, "INBOX", message, cancellationToken);
        var plain = await QuickAckBenchmark.ConnectAsync(env, user, quickAck: false, cancellationToken);
        var big = new UniqueId(plain.Inbox.UidValidity, uid);
        var size = (long)((await plain.Inbox.FetchAsync([big], new FetchRequest(MessageSummaryItems.Size), cancellationToken))[0].Size ?? 0);

        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var settings = Benchmarks.GatewaySettings(env, signingKey);
        settings["Imap:Cache:Enabled"] = "false";
        var gateway = await GatewayProcess.StartAsync(Benchmarks.RepoRoot(), settings, cancellationToken);
        var client = new GatewayClient(gateway.BaseAddress, DevTokens.Create(signingKey, "bench-servers"));
        var accountId = await client.RegisterAccountAsync(env, user, cancellationToken);
        return new ServerSide
        {
            Env = env,
            Big = big,
            BigSize = size,
            Raw = await RawImap.OpenAsync(env, user, cancellationToken),
            Plain = plain,
            Acked = await QuickAckBenchmark.ConnectAsync(env, user, quickAck: true, cancellationToken),
            Gateway = gateway,
            Client = client,
            RawUrl = $"api/v1/accounts/{accountId}/messages/{Api.Shared.ResourceIds.Message(new Imap.MessageRef("INBOX", big.Validity, big.Id))}/raw",
        };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        Plain.Dispose();
        Acked.Dispose();
        await Raw.DisposeAsync();
        await Env.DisposeAsync();
    }
}
