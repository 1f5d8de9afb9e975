using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using MailGateway.Api.Accounts;
using MailGateway.Api.Security;
using MailGateway.Imap;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Security;

/// <summary>The OAuth services of the gateway as <c>AddImapOAuth</c> registers them, with a scripted token
/// endpoint, a settable clock, an in-memory account store and every log line captured.</summary>
internal sealed class OAuthTestHost : IAsyncDisposable
{
    public const string ClientSecret = "client-secret-5d1c";
    public ManualTime Time { get; } = new();
    public ScriptedTokenEndpoint Endpoint { get; } = new();
    public MemoryAccounts Accounts { get; } = new();
    public ConcurrentQueue<string> Logs { get; } = new();
    public ServiceProvider Services { get; }

    public OAuthTestHost(Action<IServiceCollection>? configure = null, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Provider"] = "Development",
            ["ImapOAuth:Clients:corp:TokenEndpoint"] = "https://login.example.test/oauth2/token",
            ["ImapOAuth:Clients:corp:ClientId"] = "gateway-client",
            ["ImapOAuth:Clients:corp:ClientSecret"] = ClientSecret,
            ["ImapOAuth:Clients:corp:Scope"] = "imap offline_access",
            ["ImapOAuth:RefreshSkew"] = "00:01:00",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(Logs)));
        builder.Services.AddSingleton<IAccountStore>(Accounts);
        builder.AddImapOAuth();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider(); // a key ring of its own per host
        builder.Services.AddHttpClient("MailGateway.ImapOAuth").ConfigurePrimaryHttpMessageHandler(() => Endpoint);
        configure?.Invoke(builder.Services);
        Services = builder.Services.BuildServiceProvider(validateScopes: true);
    }

    public IImapOAuthGrants Grants => Services.GetRequiredService<IImapOAuthGrants>();
    public IImapOAuthTokenSource Source => Services.GetRequiredService<IImapOAuthTokenSource>();
    public CredentialProtector Protector => Services.GetRequiredService<CredentialProtector>();

    /// <summary>What the accounts API does on POST: obtain the grant, then store the account with it (encrypted).</summary>
    public async Task<Account> RegisterAsync(OAuthSettingsRequest oauth, System.Security.Claims.ClaimsPrincipal caller, string id = "acc1")
    {
        var secret = await Grants.CreateSecretAsync(oauth, caller, GrantSlot.Imap, TestContext.Current.CancellationToken);
        var account = NewAccount(Protector.Protect(secret), id) with { CreatedAt = Time.Now, UpdatedAt = Time.Now };
        await Accounts.SaveAsync(account, TestContext.Current.CancellationToken);
        return account;
    }

    /// <summary>What the credential provider does at login: read the account as stored, decrypt, ask the source.</summary>
    public async Task<string?> TokenAsync(Account account, bool forceRefresh = false)
    {
        var current = Accounts.Items.GetValueOrDefault(account.Id) ?? account;
        var secret = Protector.Unprotect(current.ProtectedSecret!);
        return await Source.GetAccessTokenAsync(account.ToImapAccount(), secret, GrantSlot.Imap, forceRefresh, TestContext.Current.CancellationToken);
    }

    public static Account NewAccount(string protectedSecret, string id = "acc1", string stamp = "s1") => new()
    {
        Id = id, OwnerId = "owner", DisplayName = "Test", Email = "user@example.test", Host = "imap.example.test", Port = 993,
        Security = ImapSecurity.Tls, Username = "user@example.test", Mechanism = ImapAuthMechanism.XOAuth2,
        ProtectedSecret = protectedSecret, CredentialStamp = stamp,
    };

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Answers token requests from a script (default: a new access token each time) and records each form.</summary>
internal sealed class ScriptedTokenEndpoint : HttpMessageHandler
{
    private int _issued;
    public ConcurrentQueue<(Uri Url, Dictionary<string, string> Form, string? Authorization)> Requests { get; } = new();
    public Func<Dictionary<string, string>, HttpResponseMessage>? Respond { get; set; }
    public int LifetimeSeconds { get; set; } = 3600;
    public string? RotateTo { get; set; }
    public TimeSpan Delay { get; set; }
    /// <summary>Awaited after the request is recorded and before the answer: lets a test act while the endpoint "thinks".</summary>
    public Func<Task>? Gate { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
        Requests.Enqueue((request.RequestUri!, form, request.Headers.Authorization?.ToString()));
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, cancellationToken);
        if (Gate is not null)
            await Gate();
        if (Respond is not null)
            return Respond(form);
        var n = Interlocked.Increment(ref _issued);
        var json = new Dictionary<string, object> { ["access_token"] = $"access-token-{n}", ["token_type"] = "Bearer", ["expires_in"] = LifetimeSeconds };
        if (RotateTo is not null)
            json["refresh_token"] = RotateTo;
        return Json(HttpStatusCode.OK, json);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
}

internal sealed class MemoryAccounts : IAccountStore
{
    public ConcurrentDictionary<string, Account> Items { get; } = new();
    public Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken = default) => Task.FromResult(Items.GetValueOrDefault(accountId));
    public Task<IReadOnlyList<Account>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Account>>([.. Items.Values.Where(a => a.OwnerId == ownerId)]);
    public Task<IReadOnlyList<Account>> ListAllAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<Account>>([.. Items.Values]);
    public Task SaveAsync(Account account, CancellationToken cancellationToken = default) { Items[account.Id] = account; return Task.CompletedTask; }
    public Task<bool> CreateAsync(Account account, int maxPerOwner, CancellationToken cancellationToken = default) => Task.FromResult(Items.TryAdd(account.Id, account));
    public Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken = default) => Task.FromResult(Items.TryRemove(accountId, out _));
    public Task<Account?> UpdateAsync(string id, Func<Account, Account?> change, CancellationToken cancellationToken = default)
    {
        while (Items.TryGetValue(id, out var current))
        {
            if (change(current) is not { } updated)
                return Task.FromResult<Account?>(null);
            if (Items.TryUpdate(id, updated, current))
                return Task.FromResult<Account?>(updated);
        }
        return Task.FromResult<Account?>(null);
    }
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {structured} {exception}");
        }
    }
}
