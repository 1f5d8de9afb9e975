using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MailGateway.Imap.Networking;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

/// <summary>One signed POST. Redirects are not followed; every connection goes through the egress guard.</summary>
internal sealed class WebhookSender : IDisposable
{
    public const string UserAgent = "MailGateway-Webhooks/1.0";
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookEgressGuard guard, IOptions<WebhookOptions> options, TimeProvider time)
    {
        _timeout = options.Value.Timeout;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,           // a proxy would connect on our behalf, past the guard
            UseCookies = false,
            ConnectCallback = guard.ConnectAsync,
            ConnectTimeout = _timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),   // re-resolve (and re-check) names regularly
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    public async Task<WebhookAttempt> SendAsync(
        Uri url, string messageId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var at = _time.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSigner.IdHeader, messageId);
        request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.SignatureHeaderValue(secrets, messageId, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? new WebhookAttempt(at, status, Elapsed(started), null)
                : WebhookAttempt.Failed(at, status, Elapsed(started), ErrorCatalogue.DeliveryFailure(status));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WebhookAttempt.Failed(at, null, Elapsed(started), ErrorCatalogue.DeliveryTimedOut(_timeout));
        }
        catch (HttpRequestException ex)
        {
            var refused = ex.InnerException is EgressRefusedException or EgressUnresolvedException
                || ex.InnerException?.InnerException is EgressRefusedException or EgressUnresolvedException;
            return WebhookAttempt.Failed(at, null, Elapsed(started),
                refused ? ErrorCatalogue.DeliveryRefused(WebhookEgressGuard.NotReachable) : ErrorCatalogue.DeliveryUnreachable(ex.Message));
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);

    public void Dispose() => _client.Dispose();
}
