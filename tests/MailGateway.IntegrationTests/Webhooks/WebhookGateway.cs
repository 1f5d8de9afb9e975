using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using MailGateway.Api.Accounts;
using MailGateway.Api.Events;
using MailGateway.Api.Hosting;
using MailGateway.Api.Webhooks;
using MailGateway.Imap;
using MailGateway.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>The Dovecot + Redis environment of the webhook tests; each test gets its own Redis database so the queues of
/// concurrently running tests never meet.</summary>
public sealed class WebhookEnvironment : IAsyncLifetime
{
    private int _nextDatabase;
    public MailEnvironment Mail { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Mail = await MailEnvironment.StartAsync();

    public async ValueTask DisposeAsync() => await Mail.DisposeAsync();

    /// <summary>A Redis database no other test uses (1..15).</summary>
    public int NextDatabase() => 1 + (Interlocked.Increment(ref _nextDatabase) - 1) % 15;
}

[CollectionDefinition(nameof(WebhookCollection))]
public sealed class WebhookCollection : ICollectionFixture<WebhookEnvironment>;

/// <summary>One gateway instance. Several instances built with the same <paramref name="database"/> share one Redis queue.</summary>
public sealed class WebhookGateway(WebhookEnvironment environment, int database, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string SigningKey = "webhook-tests-signing-key-0123456789abcdef";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var all = new Dictionary<string, string?>
        {
            ["Authentication:Provider"] = "Development",
            ["Authentication:Development:SigningKey"] = SigningKey,
            ["Redis:Configuration"] = $"{environment.Mail.RedisConfiguration},defaultDatabase={database}",
            ["Imap:AllowPrivateNetworks"] = "true",
            ["Imap:TrustedCertificateFiles:0"] = environment.Mail.CaCertificatePath,
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:Timeout"] = "00:00:05",
            ["Webhooks:Lease"] = "00:00:10",
            ["Webhooks:RetryJitter"] = "0",
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Webhooks:RetrySchedule:1"] = "00:00:00.200",
            ["Webhooks:RetrySchedule:2"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (key.StartsWith("Webhooks:RetrySchedule", StringComparison.Ordinal))
                foreach (var k in all.Keys.Where(k => k.StartsWith("Webhooks:RetrySchedule", StringComparison.Ordinal)).ToList())
                    all.Remove(k);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        foreach (var (key, value) in all)
            builder.UseSetting(key, value);
    }

    public HttpClient ClientFor(string subject, string scopes = DevTokens.AllScopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Create(SigningKey, subject, scopes));
        return client;
    }

    /// <summary>Stores an account of <paramref name="subject"/> directly (these tests need no IMAP login); returns its id.</summary>
    public async Task<string> AddAccountAsync(string subject, string mailUser)
    {
        var token = DevTokens.Create(SigningKey, subject);
        var owner = Caller.From(new ClaimsPrincipal(new ClaimsIdentity(DevTokens.ReadClaims(token), "Bearer"))).OwnerId;
        var id = "acc_" + Guid.NewGuid().ToString("N")[..16];
        var now = DateTimeOffset.UtcNow;
        await Services.GetRequiredService<IAccountStore>().SaveAsync(new Account
        {
            Id = id, OwnerId = owner, DisplayName = mailUser, Email = $"{mailUser}@example.test", Host = environment.Mail.Host,
            Port = environment.Mail.ImapsPort, Security = ImapSecurity.Tls, Username = mailUser, CredentialStamp = "1",
            CreatedAt = now, UpdatedAt = now,
        });
        return id;
    }

    /// <summary>Hands an event to this instance's pipeline, as a watcher would.</summary>
    public ValueTask PublishAsync(MailEvent mailEvent) =>
        Services.GetRequiredService<IMailEventPublisher>().PublishAsync(mailEvent);

    /// <summary>Calls the webhook sink of this instance directly (what a pipeline that wrongly called it twice would do).</summary>
    public ValueTask SinkAsync(MailEvent mailEvent) =>
        Services.GetServices<IMailEventSink>().OfType<WebhookEventSink>().Single().HandleAsync(mailEvent);

    public static MailEvent Event(string accountId, string type = MailEventTypes.MessageCreated, string? id = null) =>
        new(id ?? "evt_" + Guid.NewGuid().ToString("N"), type, DateTimeOffset.UtcNow, accountId,
            JsonSerializer.SerializeToElement(new { mailboxId = "INBOX", uid = 1 }));

    public static async Task<JsonElement> CreateWebhookAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/webhooks", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
