using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Imap;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Security;

/// <summary>An access token and when it stops working; <see cref="RefreshToken"/> is set when the endpoint rotated it.</summary>
internal sealed class TokenResponse
{
    public required string AccessToken { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public string? RefreshToken { get; init; }
    public override string ToString() => $"TokenResponse(expires {ExpiresAt:O})";
}

/// <summary>The OAuth2 refresh-token grant (RFC 6749 §6) against a configured client's token endpoint.</summary>
internal sealed class TokenEndpointClient(
    IHttpClientFactory httpClients, IOptionsMonitor<ImapOAuthOptions> options, TimeProvider time, ILogger<TokenEndpointClient> logger)
{
    public const string HttpClientName = "MailGateway.ImapOAuth";
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public ImapOAuthClientOptions? FindClient(string? name) =>
        name is not null && options.CurrentValue.Clients.TryGetValue(name, out var client) ? client : null;

    /// <exception cref="ImapAuthenticationException">The endpoint rejected the grant or the client (4xx).</exception>
    /// <exception cref="ImapUnavailableException">Network failure, timeout, 5xx or an unreadable answer.</exception>
    public async Task<TokenResponse> RefreshAsync(string clientName, string refreshToken, CancellationToken cancellationToken)
    {
        var client = FindClient(clientName)
            ?? throw new ImapAuthenticationException($"OAuth client '{clientName}' is no longer configured (ImapOAuth:Clients).");
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        };
        if (!string.IsNullOrWhiteSpace(client.Scope))
            form.Add(new("scope", client.Scope));

        using var request = new HttpRequestMessage(HttpMethod.Post, client.TokenEndpoint);
        if (client.ClientAuthentication.Equals("basic", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
            var pair = $"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret ?? "")}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            form.Add(new("client_id", client.ClientId));
            if (!string.IsNullOrEmpty(client.ClientSecret))
                form.Add(new("client_secret", client.ClientSecret));
        }
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CurrentValue.TokenEndpointTimeout);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            SecurityLog.TokenEndpointUnreachable(logger, clientName, ex.GetType().Name);
            throw new ImapUnavailableException($"The token endpoint of OAuth client '{clientName}' could not be reached.", TimeSpan.FromSeconds(30));
        }

        using (response)
        {
            var body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && body?.AccessToken is { Length: > 0 } accessToken)
            {
                var lifetime = body.ExpiresIn is > 0 ? TimeSpan.FromSeconds(body.ExpiresIn.Value) : DefaultLifetime;
                SecurityLog.TokenRefreshed(logger, clientName, (int)lifetime.TotalSeconds, body.RefreshToken is not null);
                return new TokenResponse
                {
                    AccessToken = accessToken,
                    ExpiresAt = time.GetUtcNow() + lifetime,
                    RefreshToken = string.IsNullOrEmpty(body.RefreshToken) ? null : body.RefreshToken,
                };
            }

            var error = SafeErrorCode(body?.Error);
            var status = (int)response.StatusCode;
            SecurityLog.TokenRefreshFailed(logger, clientName, status, error);
            if (status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                throw new ImapAuthenticationException($"OAuth client '{clientName}': the token endpoint rejected the refresh token ({error}).");
            throw new ImapUnavailableException($"OAuth client '{clientName}': the token endpoint answered {status} ({error}).", TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<TokenEndpointBody?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<TokenEndpointBody>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Only the RFC 6749 error code, and only if it looks like one: never echo free text from the endpoint.</summary>
    private static string SafeErrorCode(string? error) =>
        error is { Length: > 0 and <= 64 } && error.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.')
            ? error
            : "no error code";

    private sealed class TokenEndpointBody
    {
        [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
        [JsonPropertyName("expires_in"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] public long? ExpiresIn { get; init; }
        [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }
        [JsonPropertyName("error")] public string? Error { get; init; }
    }
}
