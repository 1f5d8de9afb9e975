using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Events;
using MailGateway.Api.Webhooks;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>
/// One gateway instance (the harness's <see cref="GatewayApp"/>) set up for webhook tests: receivers on loopback allowed,
/// a short retry schedule, fast polling. Each test uses its own Redis namespace (<see cref="MailEnvFixture.RedisNamespaceFor"/>) so queues of
/// concurrently running tests never meet; instances built with the same namespace share one queue.
/// </summary>
public sealed class WebhookGateway : IAsyncDisposable
{
    private readonly MailEnvFixture _fixture;
    private readonly List<string> _secrets = [];

    public WebhookGateway(MailEnvFixture fixture, RedisNamespace redis, IDictionary<string, string?>? settings = null, string? signingKey = null)
    {
        _fixture = fixture;
        App = fixture.CreateApp(o =>
        {
            if (signingKey is not null)
                o.SigningKey = signingKey;
            var s = o.Settings;
            redis.ApplyTo(s);
            s["Webhooks:AllowPrivateNetworks"] = "true";
            s["Webhooks:PollInterval"] = "00:00:00.100";
            s["Webhooks:Timeout"] = "00:00:05";
            s["Webhooks:Lease"] = "00:00:10";
            s["Webhooks:RetryJitter"] = "0";
            var custom = settings ?? new Dictionary<string, string?>();
            if (!custom.Keys.Any(k => k.StartsWith("Webhooks:RetrySchedule", StringComparison.Ordinal)))
            {
                s["Webhooks:RetrySchedule:0"] = "00:00:00";
                s["Webhooks:RetrySchedule:1"] = "00:00:00.200";
                s["Webhooks:RetrySchedule:2"] = "00:00:00.200";
            }
            foreach (var (key, value) in custom)
                s[key] = value;
        });
    }

    public GatewayApp App { get; }
    public IServiceProvider Services => App.Services;
    public string SigningKey => App.SigningKey;

    public HttpClient ClientFor(string subject, string scopes = DevTokens.AllScopes) => App.CreateClient(subject, scopes);

    /// <summary>Registers <paramref name="mailUser"/>'s Dovecot mailbox as an account of <paramref name="subject"/>.</summary>
    public async Task<string> AddAccountAsync(string subject, string mailUser)
    {
        using var client = ClientFor(subject);
        return await App.RegisterAccountAsync(client, mailUser, TestContext.Current.CancellationToken);
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

    /// <summary>Creates a webhook (its secret is remembered for <see cref="AssertNoSecretLogged"/>).</summary>
    public async Task<JsonElement> CreateWebhookAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/webhooks", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        var created = JsonDocument.Parse(text).RootElement;
        TrackSecret(created.GetProperty("secret").GetString()!);
        return created;
    }

    /// <summary>A webhook secret or signature no log line may contain. (Not added to the harness's list: that list is
    /// also checked against responses, and creation and rotation answer the secret once by design.)</summary>
    public void TrackSecret(string secret)
    {
        lock (_secrets)
            _secrets.Add(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
    }

    /// <summary>No line logged by any gateway of the run contains a tracked secret or signature.</summary>
    public void AssertNoSecretLogged()
    {
        List<string> secrets;
        lock (_secrets)
            secrets = [.. _secrets];
        var leaks = _fixture.Logs.Lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log line(s) contain a webhook secret or signature");
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
