using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// An OAuth2 token endpoint on a free loopback port (real Kestrel, real HTTP): answers the refresh-token grant
/// with whatever <see cref="Issue"/> mints (by default a JWT Dovecot's oauth2 passdb accepts), records every
/// request, and can be told to reject the grant or rotate the refresh token.
/// </summary>
internal sealed class LoopbackTokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Request(Dictionary<string, string> Form, string? Authorization, string ContentType);

    private LoopbackTokenEndpoint(WebApplication app) => _app = app;

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Mints the access token and its lifetime for a refresh token.</summary>
    public Func<string, (string AccessToken, TimeSpan Lifetime)> Issue { get; set; } = _ => throw new InvalidOperationException("No issuer set.");

    /// <summary>When set, the endpoint answers 400 with this OAuth error code.</summary>
    public string? RejectWith { get; set; }

    /// <summary>When set, the next successful answer rotates the refresh token to this value (once).</summary>
    public string? RotateTo { get; set; }

    public Uri TokenUrl { get; private set; } = null!;

    public static async Task<LoopbackTokenEndpoint> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var endpoint = new LoopbackTokenEndpoint(app);
        app.MapPost("/oauth2/token", endpoint.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        endpoint.TokenUrl = new Uri(new Uri(address), "/oauth2/token");
        return endpoint;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        Requests.Enqueue(new Request(form.ToDictionary(f => f.Key, f => f.Value.ToString()), request.Headers.Authorization, request.ContentType ?? ""));
        if (RejectWith is { } error)
            return Results.Json(new { error, error_description = "The refresh token was revoked." }, statusCode: StatusCodes.Status400BadRequest);
        if (form["grant_type"] != "refresh_token")
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: StatusCodes.Status400BadRequest);

        var (accessToken, lifetime) = Issue(form["refresh_token"].ToString());
        var rotated = RotateTo;
        RotateTo = null;
        return rotated is null
            ? Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = (int)lifetime.TotalSeconds })
            : Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = (int)lifetime.TotalSeconds, refresh_token = rotated });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
