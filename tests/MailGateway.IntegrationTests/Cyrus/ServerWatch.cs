using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Cyrus;

/// <summary>A gateway (in-memory events, 1 s sweep) watching one account of either reference server, with a subscribed
/// SignalR client that has seen <c>account.connected</c>. Dispose it.</summary>
internal sealed class ServerWatch : IAsyncDisposable
{
    private ServerWatch(MailEnvironment env, GatewayApp app, HttpClient http, string accountId, EventClient events)
    {
        Env = env;
        App = app;
        Http = http;
        AccountId = accountId;
        Events = events;
    }

    public MailEnvironment Env { get; }
    public GatewayApp App { get; }
    public HttpClient Http { get; }
    public string AccountId { get; }
    public EventClient Events { get; }

    public string Api(string path) => $"/api/v1/accounts/{AccountId}{path}";

    public static async Task<ServerWatch> StartAsync(MailEnvFixture fixture, MailServerKind server, string user, CancellationToken ct,
        Action<GatewayAppOptions>? configure = null)
    {
        var env = await fixture.ServerAsync(server);
        var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Events:PollInterval"] = "00:00:01";
            configure?.Invoke(o);
        });
        var subject = $"watch-{server}-{user}";
        var http = app.CreateClient(subject);
        var accountId = await app.RegisterAccountAsync(http, user, env, ct);
        var events = await EventClient.ConnectAsync(app, app.CreateToken(subject), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(60));
        return new ServerWatch(env, app, http, accountId, events);
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        Http.Dispose();
        await App.DisposeAsync();
    }
}
