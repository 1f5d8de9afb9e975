using System.Diagnostics;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>An independent MailKit SMTP client on the submission port (STARTTLS, trusting only the private CA),
    /// authenticated as <paramref name="user"/> with PLAIN.</summary>
    public async Task<SmtpClient> ConnectSmtpAsync(string user, CancellationToken ct = default)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = TestCertificates.CreateValidator(CaCertificatePath),
            CheckCertificateRevocation = false,
            Timeout = 60_000,
        };
        try
        {
            await client.ConnectAsync(Host, SmtpPort, SecureSocketOptions.StartTls, ct).ConfigureAwait(false);
            await client.AuthenticateAsync(new SaslMechanismPlain(user, CurrentPasswordOf(user)), ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Waits until a message whose header <paramref name="header"/> contains <paramref name="value"/> is in
    /// <paramref name="mailbox"/> of <paramref name="user"/>; answers its UIDs (empty after the timeout).</summary>
    public async Task<IList<UniqueId>> WaitForMessageAsync(string user, string mailbox, string header, string value, TimeSpan timeout,
        CancellationToken ct = default)
    {
        using var client = await ConnectAsync(user, ct).ConfigureAwait(false);
        var folder = await client.GetFolderAsync(mailbox, ct).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadOnly, ct).ConfigureAwait(false);
        var until = Stopwatch.StartNew();
        while (true)
        {
            var found = await folder.SearchAsync(SearchQuery.HeaderContains(header, value), ct).ConfigureAwait(false);
            if (found.Count > 0 || until.Elapsed > timeout)
                return found;
            await Task.Delay(50, ct).ConfigureAwait(false);
            await client.NoOpAsync(ct).ConfigureAwait(false);
        }
    }
}
