using System.Globalization;
using System.Security.Claims;

namespace MailGateway.Api.GraphQL.WebSockets;

/// <summary>
/// A socket lives no longer than the token its <c>connection_init</c> carried: at the token's <c>exp</c> the socket is
/// closed with 4401 (subscriptions included), and an operation that arrives after it is refused the same way; clients
/// reconnect with a fresh token. (SignalR does the same with <c>CloseOnAuthenticationExpiration</c>.)
/// </summary>
internal sealed partial class GraphQLWebSocketConnection
{
    /// <summary>A keyed <see cref="TimeProvider"/> under this key replaces the app's clock for token expiry (tests).</summary>
    public const string ClockKey = "graphql-ws-clock";

    private readonly TimeProvider _clock = http.RequestServices.GetKeyedService<TimeProvider>(ClockKey)
        ?? http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
    private DateTimeOffset? _expiresAt;

    private bool TokenExpired => _expiresAt is { } expiresAt && _clock.GetUtcNow() >= expiresAt;

    /// <summary>Remembers when the init token expires and closes the socket then.</summary>
    private void WatchExpiry(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        _expiresAt = expiresAt;
        _ = CloseAtAsync(expiresAt, cancellationToken);
    }

    private async Task CloseAtAsync(DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            var wait = expiresAt - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
            CloseExpired();
        }
        catch (OperationCanceledException)
        {
            // The connection ended first.
        }
    }

    private void CloseExpired() => Close(CloseCodes.Unauthorized, "Token expired");
}
