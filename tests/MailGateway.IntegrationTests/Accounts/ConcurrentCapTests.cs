using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>Per-user caps hold under concurrency (issue 11 item 9): registrations that all passed the early count while
/// they waited on the IMAP login, and webhook creates racing each other, are checked again in the same atomic step as the
/// write, so exactly the cap is created and the others answer 409. REST and GraphQL together; Redis and memory stores.
/// User user98 (login only).</summary>
public sealed class ConcurrentCapTests(MailEnvFixture fixture)
{
    private const string User = "user98";
    private const int Cap = 3;
    private const int Attempts = 8;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public static TheoryData<bool> Stores => new() { true, false };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_creates_stop_at_the_per_user_caps(bool redis)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ct);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = redis;
            o.Settings["Accounts:MaxAccountsPerUser"] = $"{Cap}";
            o.Settings["Webhooks:MaxWebhooksPerUser"] = $"{Cap}";
            o.Settings["Webhooks:AllowPrivateNetworks"] = "true";
        });
        using var client = app.CreateClient($"concurrent-cap-{redis}");

        const string add = "mutation($input: AddAccountInput!) { addAccount(input: $input) { id } }";
        var input = new
        {
            displayName = "racing", email = User + "@example.test",
            imap = new { host = fixture.Env.Host, port = fixture.Env.ImapsPort, security = "tls", username = User, password = MailEnvironment.PasswordOf(User) },
        };
        var accounts = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async i =>
        {
            if (i % 2 == 0)
            {
                using var response = await client.PostAsJsonAsync("/api/v1/accounts", app.AccountBody(User), _ct);
                return response.StatusCode == HttpStatusCode.Created ? "created" : await CodeAsync(response);
            }
            var result = await GraphQLCalls.PostAsync(client, add, new { input }, _ct);
            return result.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString()! : "created";
        }));
        Assert.Equal(Cap, accounts.Count(a => a == "created"));
        Assert.All(accounts.Where(a => a != "created"), a => Assert.Equal("account_limit_reached", a));
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/accounts", _ct);
        var items = listed.ValueKind == JsonValueKind.Array ? listed : listed.GetProperty("items");
        Assert.Equal(Cap, items.GetArrayLength());

        var webhooks = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url }, _ct);
            return response.StatusCode == HttpStatusCode.Created ? "created" : await CodeAsync(response);
        }));
        Assert.Equal(Cap, webhooks.Count(w => w == "created"));
        Assert.All(webhooks.Where(w => w != "created"), w => Assert.Equal("webhook_limit_reached", w));
    }

    private async Task<string> CodeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(_ct);
        return response.StatusCode == HttpStatusCode.Conflict ? JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()! : $"{(int)response.StatusCode}: {body}";
    }
}
