using System.Net;
using MailGateway.Imap.Networking;

namespace MailGateway.Imap.Pooling;

/// <summary>Decides whether an account may be contacted: transport security, allowed hosts, and the
/// resolved addresses (so a DNS name pointing at a private or metadata address cannot bypass the check).</summary>
internal static class ImapHostPolicy
{
    public const string InsecureTransport = "insecure_transport";
    public const string HostForbidden = "imap_host_forbidden";

    /// <summary>Checks everything that does not need DNS.</summary>
    public static void CheckAccount(ImapAccount account, ImapOptions options)
    {
        if (account.Security == ImapSecurity.None && !options.AllowInsecure)
            throw new ImapPolicyException(InsecureTransport, "Unencrypted IMAP is not allowed (Imap:AllowInsecure is false).");
        if (account.Port is < 1 or > 65535)
            throw new ImapPolicyException(HostForbidden, "The IMAP port must be between 1 and 65535.");
        var host = account.Host?.Trim() ?? "";
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw new ImapPolicyException(HostForbidden, "The IMAP host name is not valid.");
        if (options.AllowedHosts.Count > 0 && !options.AllowedHosts.Any(pattern => Matches(pattern, host)))
            throw new ImapPolicyException(HostForbidden, "The IMAP host is not in the list of allowed hosts.");
    }

    /// <summary>Resolves the host and answers the addresses to connect to; refuses forbidden ones
    /// (the shared <see cref="GuardedConnect"/> routine and <see cref="AddressPolicy"/> table).</summary>
    public static async Task<IPAddress[]> ResolveAsync(ImapAccount account, ImapOptions options, CancellationToken cancellationToken)
    {
        CheckAccount(account, options);
        try
        {
            return await GuardedConnect.ResolveAsync(account.Host.Trim(), options.AllowPrivateNetworks, cancellationToken).ConfigureAwait(false);
        }
        catch (EgressUnresolvedException ex)
        {
            throw new ImapUnavailableException("The IMAP host name could not be resolved.", TimeSpan.FromSeconds(30), ex);
        }
        catch (EgressRefusedException ex) when (ex.AddressClass == AddressClass.Private)
        {
            throw new ImapPolicyException(HostForbidden, "The IMAP host resolves to a loopback or private address (Imap:AllowPrivateNetworks is false).");
        }
        catch (EgressRefusedException)
        {
            throw new ImapPolicyException(HostForbidden, "The IMAP host resolves to a link-local, metadata or reserved address.");
        }
    }

    public static bool Matches(string pattern, string host)
    {
        pattern = pattern.Trim();
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1;
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }
}
