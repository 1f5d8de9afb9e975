using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MailGateway.Imap.Networking;
using MailGateway.Imap.Telemetry;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AuthenticationException = MailKit.Security.AuthenticationException;

namespace MailGateway.Imap.Pooling;

/// <summary>Opens one connected, authenticated <see cref="ImapClient"/> for an account, applying the
/// transport and host policy. Used by the session pool and by the watchers (one singleton).</summary>
internal sealed partial class ImapConnector(
    IOptions<ImapOptions> options,
    IImapCredentialProvider credentials,
    ImapCertificateValidator certificates,
    ImapTelemetry telemetry,
    IImapLoginObserver observer,
    TimeProvider time,
    ILogger<ImapConnector> logger) : IImapConnectionSource
{
    /// <summary>Connects, negotiates TLS, logs in and enables QRESYNC when offered.</summary>
    /// <exception cref="ImapPolicyException">The account's host or transport is not allowed.</exception>
    /// <exception cref="ImapAuthenticationException">The server rejected the credentials.</exception>
    /// <exception cref="ImapUnavailableException">DNS, TCP, TLS or the server failed.</exception>
    public async Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        IPAddress[] addresses;
        try
        {
            addresses = await ImapHostPolicy.ResolveAsync(account, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (ImapPolicyException ex)
        {
            ImapLog.PolicyRefused(logger, account.Id, ex.Code);
            throw;
        }

        var started = Stopwatch.GetTimestamp();
        var client = new ImapClient(new CommandCountingLogger(telemetry))
        {
            Timeout = (int)Math.Clamp(settings.CommandTimeout.TotalMilliseconds, 1000, int.MaxValue),
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = settings.CheckCertificateRevocation,
            ServerCertificateValidationCallback = certificates.CreateCallback(account),
        };
        try
        {
            await ConnectTransportAsync(client, account, addresses, settings, cancellationToken).ConfigureAwait(false);
            var mechanism = await AuthenticateAsync(client, account, cancellationToken).ConfigureAwait(false);
            await EnableExtensionsAsync(client, account, cancellationToken).ConfigureAwait(false);
            var elapsed = ImapTelemetry.Since(started);
            telemetry.Connected(elapsed, "ok");
            ImapLog.LoggedIn(logger, account.Id, account.Host, account.Port, mechanism, (long)elapsed.TotalMilliseconds);
            return client;
        }
        catch (Exception ex)
        {
            client.Dispose();
            telemetry.Connected(ImapTelemetry.Since(started), ex is ImapAuthenticationException ? "auth_failed" : "failed");
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            var mapped = Map(ex);
            if (mapped is ImapUnavailableException)
                ImapLog.ConnectFailed(logger, account.Id, account.Host, account.Port, mapped.Message, ex is ImapGatewayException ? null : ex);
            if (ReferenceEquals(mapped, ex)) throw;
            throw mapped;
        }
    }

    private static async Task ConnectTransportAsync(ImapClient client, ImapAccount account, IPAddress[] addresses, ImapOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            var socket = await OpenSocketAsync(addresses, account.Port, timeout.Token).ConfigureAwait(false);
            var secure = account.Security switch
            {
                ImapSecurity.Tls => SecureSocketOptions.SslOnConnect,
                // Never StartTlsWhenAvailable: a server (or attacker) that hides STARTTLS must not get plaintext.
                ImapSecurity.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            // The socket is connected to the address we checked; the host name is only used for SNI and validation.
            // QuickAckStream: TCP_QUICKACK after each read, so a server writing in pieces without TCP_NODELAY (Cyrus)
            // does not wait for our delayed ACK (~40 ms per answer over 4 KiB); Imap:TcpQuickAck=false turns it off.
            if (settings.TcpQuickAck)
            {
                var stream = new QuickAckStream(socket);
                StreamTimeouts.Track(client, stream);
                await client.ConnectAsync(stream, account.Host.Trim(), account.Port, secure, timeout.Token).ConfigureAwait(false);
            }
            else
                await client.ConnectAsync(socket, account.Host.Trim(), account.Port, secure, timeout.Token).ConfigureAwait(false);
            ConnectionLiveness.Track(client, socket);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is not ImapGatewayException)
        {
            // Also when MailKit wrapped the cancellation (a TLS handshake the server never answered): a timeout, not a TLS failure.
            throw new ImapUnavailableException("Connecting to the IMAP server timed out.", TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<Socket> OpenSocketAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        try
        {
            return await GuardedConnect.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ImapUnavailableException("The IMAP server refused the connection or could not be reached.", TimeSpan.FromSeconds(30), ex);
        }
    }

    private async Task EnableExtensionsAsync(ImapClient client, ImapAccount account, CancellationToken cancellationToken)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.QuickResync)) return;
        try
        {
            await client.EnableQuickResyncAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ImapCommandException ex)
        {
            ImapLog.QresyncFailed(logger, account.Id, ex);
        }
    }

    /// <summary>Turns transport/protocol exceptions into the gateway's exceptions, with safe messages.</summary>
    internal static Exception Map(Exception ex) => ex switch
    {
        ImapGatewayException => ex,
        // A server that accepted the connection and then said nothing (frozen, SIGSTOP): a timeout, not a TLS failure.
        _ when ImapErrors.TimeoutIn(ex) is { } timeout => new ImapUnavailableException("The IMAP server did not answer in time.", TimeSpan.FromSeconds(30), timeout),
        AuthenticationException => new ImapAuthenticationException("The IMAP server rejected the credentials.", ex),
        SslHandshakeException => new ImapUnavailableException(
            "TLS with the IMAP server failed: its certificate is not trusted, does not match the host name or pinned key, or TLS 1.2+ is unavailable.",
            TimeSpan.FromMinutes(1), ex),
        NotSupportedException => new ImapUnavailableException("The IMAP server does not offer STARTTLS (or a required capability).", TimeSpan.FromMinutes(1), ex),
        ImapCommandException => new ImapUnavailableException("The IMAP server refused a command during login.", TimeSpan.FromSeconds(30), ex),
        ImapProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException or OperationCanceledException
            => new ImapUnavailableException("The IMAP server could not be reached or closed the connection.", TimeSpan.FromSeconds(30), ex),
        _ => new ImapUnavailableException("Connecting to the IMAP server failed.", TimeSpan.FromSeconds(30), ex),
    };
}
