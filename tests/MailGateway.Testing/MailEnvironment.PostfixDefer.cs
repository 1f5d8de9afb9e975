using System.Globalization;
using System.Text;

namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>From now on Postfix answers <c>450 4.2.1</c> at RCPT to exactly these addresses (an empty list: to none). Rewrites
    /// the texthash table and reloads (POSTFIX.md pitfall 12; backdated so the reload does not wait for it to cool); returns once new sessions
    /// defer each address.</summary>
    public async Task DeferRecipientsAsync(IEnumerable<string> addresses, CancellationToken ct = default)
    {
        var deferred = addresses.ToList();
        var table = new StringBuilder();
        foreach (var address in deferred)
            table.Append(CultureInfo.InvariantCulture, $"{address} 450 4.2.1 Mailbox temporarily unavailable (test)\n");
        var path = Path.Combine(PostfixConfigDirectory, PostfixConfig.DeferredTable);
        await File.WriteAllTextAsync(path, table.ToString(), ct).ConfigureAwait(false);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
        var rc = await PostfixCommandAsync(ct, "reload").ConfigureAwait(false);
        if (rc != 0)
            throw new InvalidOperationException($"postfix reload failed (rc {rc}): {ReadTail(PostfixLogPath)}");
        foreach (var address in deferred)
            await WaitUntilDeferredAsync(address, ct).ConfigureAwait(false);
    }
}
