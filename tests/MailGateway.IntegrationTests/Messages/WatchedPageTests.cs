using System.Text.Json;
using MailGateway.Imap.Caching;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>Imap:Cache:TrustWatch in the host: once a SignalR client watches the account, REST pages come from the
/// watch-fed view (no IMAP command), and an arrival the watch announced is on the next page. User user139.</summary>
public sealed class WatchedPageTests(MailEnvFixture fixture)
{
    private const string User = "user139";
    private const string Owner = "watched-page-owner";

    [Fact]
    public async Task A_watched_account_pages_from_memory_and_shows_what_the_watch_announced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = fixture.CreateApp(o =>
        {
            // A Redis database of its own: on the shared one, other tests' gateways are live instances too, and balanced
            // ownership may give this account's watch to one of them (then this app has no watched view to serve).
            o.UseRedis = true;
            fixture.RedisNamespaceFor(typeof(WatchedPageTests)).ApplyTo(o.Settings);
            o.Settings["Imap:Cache:TrustWatch"] = "true";
        });
        for (var i = 0; i < 3; i++) await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create($"Watched page {i}"), ct);
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        var inbox = $"/api/v1/accounts/{accountId}/mailboxes/{MailGateway.Api.Shared.ResourceIds.Mailbox("INBOX")}/messages?limit=5";
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await events.SubscribeAsync(accountId, ct);
        await events.WaitForAsync("account.connected");
        var cache = app.Services.GetRequiredService<ReadCache>();

        await GetJsonAsync(http, inbox, ct);
        await WaitForWatchedHitAsync(http, inbox, cache, ct);

        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Announced arrival"), ct);
        await events.WaitForAsync("message.created", e => EventClient.Subject(e) == "Announced arrival");
        var page = await WaitForWatchedHitAsync(http, inbox, cache, ct);
        Assert.Equal("Announced arrival", page.GetProperty("items")[0].GetProperty("subject").GetString());

        var metrics = await http.GetStringAsync("/metrics", ct);
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("mailgateway_cache_watched_hits", StringComparison.Ordinal));
        Assert.True(line is not null, string.Join('\n', metrics.Split('\n').Where(l => l.Contains("cache", StringComparison.Ordinal))));
    }

    /// <summary>Reads until a page is answered from the watched view (the watch vouches for INBOX a moment after its sync).</summary>
    private static async Task<JsonElement> WaitForWatchedHitAsync(HttpClient http, string url, ReadCache cache, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var before = cache.WatchedHits;
            var page = await GetJsonAsync(http, url, ct);
            if (cache.WatchedHits > before) return page;
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
