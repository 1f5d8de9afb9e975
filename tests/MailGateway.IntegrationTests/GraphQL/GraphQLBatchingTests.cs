using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>
/// <c>accounts { mailboxes { messages(first: 5) } }</c> is batch-loaded: one mailbox list per account however often it
/// is asked for, no IMAP work for the mailbox counters, and no more IMAP commands than the same data costs over REST.
/// </summary>
public sealed class GraphQLBatchingTests(MailEnvFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] _users = ["user123", "user124"];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private HttpClient _http = null!;

    private const string Query = """
        { accounts { id
            mailboxes { id path total unseen specialUse messages(first: 5) { edges { cursor node { id subject from { address } seen } } pageInfo { hasNextPage } } }
            again: mailboxes { name subscribed }
        } }
        """;

    public async ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => o.UseRedis = false);
        _http = _app.CreateClient("graphql-batching");
        foreach (var user in _users)
        {
            await fixture.Env.SeedAsync(user, 8, _ct);
            await _app.RegisterAccountAsync(_http, user, _ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Nested_accounts_mailboxes_messages_costs_one_list_per_account()
    {
        // Warm up: connections are open and logged in, as they are in steady state.
        var first = await GraphQLCalls.DataAsync(_http, Query, ct: _ct);
        var mailboxCount = first.GetProperty("accounts").EnumerateArray().Sum(a => a.GetProperty("mailboxes").GetArrayLength());
        Assert.True(mailboxCount >= 2 * 8, $"expected the seeded folders of both users, got {mailboxCount} mailboxes");

        var (data, graphql) = await CountCommandsAsync(() => GraphQLCalls.DataAsync(_http, Query, ct: _ct));
        var (_, rest) = await CountCommandsAsync(() => RestEquivalentAsync(data));

        output.WriteLine($"{_users.Length} accounts, {mailboxCount} mailboxes, messages(first: 5) in each");
        output.WriteLine($"GraphQL: {graphql.Values.Sum()} IMAP commands: {Describe(graphql)}");
        output.WriteLine($"REST (1 + {_users.Length} + {mailboxCount} requests): {rest.Values.Sum()} IMAP commands: {Describe(rest)}");

        // mailboxes is asked twice per account, and its counters need no extra command: one LIST(-STATUS) per account.
        Assert.Equal(_users.Length, graphql.GetValueOrDefault("LIST"));
        // Each mailbox page costs the IMAP layer's fixed few commands (select, state, fetch, ...), each at most once per
        // mailbox, whatever fields are asked for: nothing per field, nothing per message.
        Assert.All(graphql.Where(c => c.Key != "LIST"), c => Assert.True(c.Value <= mailboxCount, $"{c.Key} sent {c.Value} times for {mailboxCount} mailboxes"));
        Assert.Equal(0, graphql.GetValueOrDefault("LOGIN") + graphql.GetValueOrDefault("AUTHENTICATE"));
        // Never more IMAP work than the same data over REST (1 + accounts + mailboxes requests).
        Assert.True(graphql.Values.Sum() <= rest.Values.Sum(), $"GraphQL {graphql.Values.Sum()} > REST {rest.Values.Sum()}");

        foreach (var account in data.GetProperty("accounts").EnumerateArray())
        foreach (var mailbox in account.GetProperty("mailboxes").EnumerateArray())
            Assert.Equal(Math.Min(5, mailbox.GetProperty("total").GetInt32()), mailbox.GetProperty("messages").GetProperty("edges").GetArrayLength());
    }

    private async Task<int> RestEquivalentAsync(JsonElement data)
    {
        var requests = 1;
        using (await _http.GetAsync("/api/v1/accounts", _ct)) { }
        foreach (var account in data.GetProperty("accounts").EnumerateArray())
        {
            var id = account.GetProperty("id").GetString();
            using (await _http.GetAsync($"/api/v1/accounts/{id}/mailboxes", _ct)) requests++;
            foreach (var mailbox in account.GetProperty("mailboxes").EnumerateArray())
            {
                using var response = await _http.GetAsync($"/api/v1/accounts/{id}/mailboxes/{mailbox.GetProperty("id").GetString()}/messages?limit=5", _ct);
                response.EnsureSuccessStatusCode();
                requests++;
            }
        }
        return requests;
    }

    /// <summary>IMAP commands by name that this gateway sent while <paramref name="action"/> ran (from the MailGateway.Imap meter).</summary>
    private async Task<(T Result, IReadOnlyDictionary<string, long> Commands)> CountCommandsAsync<T>(Func<Task<T>> action)
    {
        var factory = _app.Services.GetRequiredService<IMeterFactory>();
        var telemetry = _app.Services.GetRequiredService<ImapTelemetry>();
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ImapTelemetry.MeterName && instrument.Name == "mailgateway.imap.commands" && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "command") counts.AddOrUpdate(tag.Value?.ToString() ?? "?", value, (_, n) => n + value);
        });
        listener.Start();
        var before = telemetry.CommandCount;
        var result = await action();
        listener.Dispose();
        Assert.Equal(telemetry.CommandCount - before, counts.Values.Sum());
        return (result, counts);
    }

    private static string Describe(IReadOnlyDictionary<string, long> commands) =>
        string.Join(", ", commands.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
}
