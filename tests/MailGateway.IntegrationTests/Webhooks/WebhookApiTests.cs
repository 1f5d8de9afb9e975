using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Webhooks;

public sealed class WebhookApiTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(WebhookApiTests)); // a Redis of its own
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task The_secret_is_shown_on_creation_only()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-crud-user");
        using var response = await client.PostAsJsonAsync("/api/v1/webhooks",
            new { url = _receiver.Url, events = new[] { "message.created", "mailbox.*" }, description = "crm" }, _ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement;
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/webhooks/{id}", response.Headers.Location?.OriginalString);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret[6..]).Length, 24, 32);
        Assert.True(created.GetProperty("enabled").GetBoolean());

        var one = await WebhookGateway.GetJsonAsync(client, $"/api/v1/webhooks/{id}");
        Assert.False(one.TryGetProperty("secret", out _));
        Assert.Equal(_receiver.Url, one.GetProperty("url").GetString());
        Assert.Equal(["message.created", "mailbox.*"], one.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        var list = await WebhookGateway.GetJsonAsync(client, "/api/v1/webhooks");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.False(item.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret[6..], list.ToString(), StringComparison.Ordinal);

        using var patch = await client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { description = "erp", events = new[] { "message.*" } }, _ct);
        var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync(_ct)).RootElement;
        Assert.Equal("erp", patched.GetProperty("description").GetString());
        Assert.False(patched.TryGetProperty("secret", out _));

        using var delete = await client.DeleteAsync($"/api/v1/webhooks/{id}", _ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/api/v1/webhooks/{id}", _ct), HttpStatusCode.NotFound, "webhook_not_found");
    }

    [Fact]
    public async Task After_rotation_both_secrets_sign_during_the_grace_period()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-rotate-user");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url });
        var id = created.GetProperty("id").GetString()!;
        var oldSecret = created.GetProperty("secret").GetString()!;

        using var patch = await client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { rotateSecret = true }, _ct);
        var rotated = JsonDocument.Parse(await patch.Content.ReadAsStringAsync(_ct)).RootElement;
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));

        _receiver.Trust(oldSecret);                     // a receiver not updated yet still accepts
        await client.PostAsync($"/api/v1/webhooks/{id}/test", null, _ct);
        var first = (await _receiver.WaitForAsync(1, Wait)).Single();
        Assert.True(first.Verified);
        Assert.Equal(2, first.Signature!.Split(' ').Length);

        _receiver.Trust(newSecret);                     // an updated receiver accepts too
        await client.PostAsync($"/api/v1/webhooks/{id}/test", null, _ct);
        Assert.True((await _receiver.WaitForAsync(2, Wait))[1].Verified);

        gateway.TrackSecret(newSecret);
        foreach (var signature in _receiver.Received.SelectMany(r => r.Signature!.Split(' ')))
            gateway.TrackSecret(signature[3..]);
        gateway.AssertNoSecretLogged();
    }

    [Fact]
    public async Task Without_a_grace_period_the_old_secret_no_longer_verifies()
    {
        await using var gateway = new WebhookGateway(fixture, _redis,
            new Dictionary<string, string?> { ["Webhooks:SecretRotationGrace"] = "00:00:00", ["Webhooks:RetrySchedule:0"] = "00:00:00" });
        using var client = gateway.ClientFor("wh-rotate0-user");
        var created = await gateway.CreateWebhookAsync(client, new { url = _receiver.Url });
        var id = created.GetProperty("id").GetString()!;
        using var patch = await client.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { rotateSecret = true }, _ct);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        _receiver.Trust(created.GetProperty("secret").GetString()!);
        await client.PostAsync($"/api/v1/webhooks/{id}/test", null, _ct);
        var received = (await _receiver.WaitForAsync(1, Wait)).Single();
        Assert.False(received.Verified);
        Assert.Equal(401, received.AnsweredStatus);
        Assert.Single(received.Signature!.Split(' '));
        var log = await WebhookDeliveryTests.WaitForStateAsync(client, id, "deadLettered");
        Assert.Equal(401, log.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task Bad_input_answers_validation_problems()
    {
        await using var gateway = new WebhookGateway(fixture, _redis);
        using var client = gateway.ClientFor("wh-invalid-user");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { description = "no url" }, _ct), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "not a url" }, _ct), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://93.184.216.34/x" }, _ct), HttpStatusCode.BadRequest, "webhook_url_forbidden");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url, events = new[] { "everything" } }, _ct), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url, description = new string('x', 501) }, _ct), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url, accountIds = new[] { "acc_nope" } }, _ct), HttpStatusCode.NotFound, "account_not_found");

        using var noScope = gateway.ClientFor("wh-invalid-user", "Mail.Read");
        using var forbidden = await noScope.GetAsync("/api/v1/webhooks", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Forbidden_destinations_are_refused_at_creation()
    {
        await using var gateway = new WebhookGateway(fixture, _redis,
            new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "false" });
        using var client = gateway.ClientFor("wh-ssrf-user");
        string[] forbidden =
        [
            "http://localhost/hook", "http://127.0.0.1/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/hook", "http://2130706433/hook", "http://0177.0.0.1/hook", "http://0x7f.1/hook",
            "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://172.16.5.4/hook",
            "http://192.168.0.1/hook", "http://100.64.0.1/hook", "http://[fc00::1]/hook", "http://[fe80::1]/hook",
            "http://224.0.0.1/hook", "http://[ff02::1]/hook", "http://255.255.255.255/hook", _receiver.Url,
        ];
        foreach (var url in forbidden)
            await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/webhooks", new { url }, _ct), HttpStatusCode.BadRequest, "webhook_url_forbidden", url);

        var allowed = await gateway.CreateWebhookAsync(client, new { url = "https://93.184.216.34/hook" });
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/v1/webhooks/{allowed.GetProperty("id").GetString()}",
            new { url = "http://[::ffff:169.254.169.254]/" }, _ct), HttpStatusCode.BadRequest, "webhook_url_forbidden");
        var list = await WebhookGateway.GetJsonAsync(client, "/api/v1/webhooks");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? because = null)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{because}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
            Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
    }
}
