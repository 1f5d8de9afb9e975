using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MailGateway.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>The real gateway (Program) on TestServer, configured for the fixture's Dovecot and Redis, with the Development
/// auth provider and a random signing key. Create through <see cref="MailEnvFixture.CreateApp"/> or use <see cref="MailEnvFixture.App"/>.</summary>
public sealed class GatewayApp : WebApplicationFactory<Program>
{
    private readonly MailEnvFixture _fixture;

    internal GatewayApp(MailEnvFixture fixture, GatewayAppOptions options)
    {
        _fixture = fixture;
        Options = options;
    }

    public GatewayAppOptions Options { get; }

    /// <summary>The Data Protection key directory of an app without Redis (a fresh temp directory).</summary>
    public string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), "mailgateway-keys-" + Guid.NewGuid().ToString("N"));

    public string SigningKey => Options.SigningKey;

    public MailEnvironment Env => _fixture.Env;

    /// <summary>The configuration the harness gives every gateway (Options.Settings override it).</summary>
    public IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["Authentication:Provider"] = "Development",
                ["Authentication:Development:SigningKey"] = Options.SigningKey,
                ["Imap:AllowPrivateNetworks"] = "true",
                ["Imap:TrustedCertificateFiles:0"] = Env.CaCertificatePath,
                ["RateLimiting:PermitsPerMinute"] = "0",
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
                ["Logging:LogLevel:MailGateway"] = "Trace",
                ["Redis:Configuration"] = Options.UseRedis ? Env.RedisConfiguration : null,
                // Without Redis: a key ring of this app's own, not the user's profile directory.
                ["DataProtection:KeysDirectory"] = Options.UseRedis ? null : KeysDirectory,
            };
            foreach (var (key, value) in Options.Settings)
                settings[key] = value;
            return settings;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Options.Environment);
        // UseSetting (not ConfigureAppConfiguration): Program reads configuration before Build().
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value ?? "");
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(_fixture.Logs);
            services.AddSingleton<IMeterFactory>(new UndisposedMeterFactory());
        });
        if (Options.ConfigureServices is { } configure)
            builder.ConfigureTestServices(configure);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(KeysDirectory))
            Directory.Delete(KeysDirectory, recursive: true);
    }

    /// <summary>A Development-provider token (recorded as a secret for the log scans).</summary>
    public string CreateToken(string subject, string scopes = DevTokens.AllScopes, IEnumerable<string>? roles = null,
        IEnumerable<string>? amr = null, TimeSpan? lifetime = null, IDictionary<string, object>? extraClaims = null)
    {
        var token = DevTokens.Create(Options.SigningKey, subject, scopes, roles, amr, lifetime, extraClaims: extraClaims);
        _fixture.Secrets.Add(token);
        return token;
    }

    /// <summary>An HttpClient sending a bearer token for <paramref name="subject"/>; every response it gets is recorded.</summary>
    public HttpClient CreateClient(string subject, string scopes = DevTokens.AllScopes, IEnumerable<string>? roles = null,
        IEnumerable<string>? amr = null, IDictionary<string, object>? extraClaims = null)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CreateToken(subject, scopes, roles, amr, extraClaims: extraClaims));
        return client;
    }

    /// <summary>An HttpClient without credentials; responses are recorded too.</summary>
    public HttpClient CreateAnonymousClient() => CreateDefaultClient(new RecordingHandler(_fixture.Responses));

    /// <summary>A SignalR connection to <paramref name="path"/> as <paramref name="subject"/> (not started). The token travels
    /// as <c>access_token</c> like a browser's; WebSockets skip negotiation as TestServer requires.</summary>
    public HubConnection CreateHubConnection(string subject, string path = "/hubs/mail", string scopes = DevTokens.AllScopes,
        HttpTransportType transport = HttpTransportType.WebSockets, IEnumerable<string>? amr = null, TimeSpan? lifetime = null,
        IEnumerable<string>? roles = null, IDictionary<string, object>? extraClaims = null)
    {
        var server = Server; // starts the host
        var token = CreateToken(subject, scopes, roles, amr: amr, lifetime: lifetime, extraClaims: extraClaims);
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, path), o =>
            {
                o.Transports = transport;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (transport == HttpTransportType.WebSockets)
                {
                    o.SkipNegotiation = true;
                    o.WebSocketFactory = async (context, cancellationToken) =>
                    {
                        // Like a browser: the token in the query string, not a header.
                        var uri = new UriBuilder(context.Uri);
                        uri.Query = (uri.Query.Length > 1 ? uri.Query[1..] + "&" : "") + "access_token=" + Uri.EscapeDataString(token);
                        return await server.CreateWebSocketClient().ConnectAsync(uri.Uri, cancellationToken);
                    };
                }
            })
            .Build();
    }

    /// <summary>Registers <paramref name="mailUser"/>'s Dovecot mailbox (implicit TLS, its password) and returns the account id.</summary>
    public Task<string> RegisterAccountAsync(HttpClient client, string mailUser, CancellationToken cancellationToken = default) =>
        RegisterAccountAsync(client, mailUser, Env, cancellationToken);

    /// <summary>Registers <paramref name="mailUser"/> of <paramref name="server"/> (e.g. the fixture's Cyrus) and returns the account id.</summary>
    public async Task<string> RegisterAccountAsync(HttpClient client, string mailUser, MailEnvironment server, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", AccountBody(mailUser, server: server), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
            throw new InvalidOperationException($"Registering {mailUser} answered {(int)response.StatusCode}: {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The <c>POST /api/v1/accounts</c> body for a Dovecot user (override pieces with <c>with</c>-style edits in tests).</summary>
    public object AccountBody(string mailUser, string? password = null, int? port = null, string security = "tls", MailEnvironment? server = null) => new
    {
        displayName = $"{mailUser} (test)",
        email = $"{mailUser}@example.test",
        imap = new
        {
            host = (server ?? Env).Host,
            port = port ?? (security == "tls" ? (server ?? Env).ImapsPort : (server ?? Env).ImapPort),
            security,
            username = mailUser,
            password = password ?? MailEnvironment.PasswordOf(mailUser),
        },
    };

    /// <summary>Records each response's status, headers and body for the secret scans.</summary>
    private sealed class RecordingHandler(System.Collections.Concurrent.ConcurrentQueue<string> responses) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var contentType = response.Content.Headers.ContentType?.MediaType ?? "";
            var body = "";
            if ((contentType.Contains("json", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
                && !contentType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken); // the test can still read it
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            responses.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath} -> {(int)response.StatusCode}\n{response.Headers}\n{body}");
            return response;
        }
    }
}
