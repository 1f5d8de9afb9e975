using System.Net.Sockets;
using MailGateway.Imap.Networking;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Webhooks;

/// <summary>
/// SSRF guard for webhook destinations, over the one address policy (<see cref="AddressPolicy"/>) and connect routine
/// (<see cref="GuardedConnect"/>) that IMAP uses too. Decisions are made on resolved addresses, never on the URL text,
/// so numeric spellings (<c>2130706433</c>, <c>0x7f.1</c>, <c>[::ffff:127.0.0.1]</c>) cannot slip through. Checked when
/// a URL is registered and again at connect time (<see cref="ConnectAsync"/>) against DNS rebinding.
/// </summary>
internal sealed class WebhookEgressGuard(IOptions<WebhookOptions> options)
{
    /// <summary>One answer for "does not resolve", "has no address" and "resolves to an internal address", so the
    /// registration endpoint cannot be used to probe internal DNS.</summary>
    public const string NotReachable = "The URL's host cannot receive webhooks: it must resolve to public addresses only.";

    private readonly bool _allowPrivate = options.Value.AllowPrivateNetworks;

    /// <summary>Why <paramref name="url"/> may not receive webhooks, or null when it may.</summary>
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken cancellationToken = default)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "Only absolute http and https URLs can receive webhooks.";
        if (!string.IsNullOrEmpty(url.UserInfo))
            return "Credentials in the URL are not accepted.";
        try
        {
            await GuardedConnect.ResolveAsync(url.IdnHost, _allowPrivate, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (IOException ex) when (ex is EgressRefusedException or EgressUnresolvedException)
        {
            return NotReachable;
        }
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves, checks every address and connects to a
    /// checked one. A refusal is an <see cref="EgressRefusedException"/> (an <see cref="IOException"/>).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var socket = await GuardedConnect.ConnectAsync(endPoint.Host, endPoint.Port, _allowPrivate, cancellationToken).ConfigureAwait(false);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
