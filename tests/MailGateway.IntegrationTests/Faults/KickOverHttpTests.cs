using System.Net;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>An account's pool filled by 6 concurrent reads, then every connection of the user dropped by the server
/// (<c>doveadm kick</c>): the next requests all succeed (pages and a message, both served from the read cache after a
/// freshness proof), on REST and on GraphQL. Fails when the liveness check before a lease is removed (a retry may meet
/// another dead pooled connection: 502); the retry alone is proven by ConnectionRetryTests.</summary>
public sealed class KickOverHttpTests(MailEnvFixture fixture)
{
    private const string User = "user145";
    private const string Owner = "faults-owner-145";
    private const int Concurrency = 6;

    [Fact]
    public async Task After_a_kick_of_a_full_pool_the_next_rest_and_graphql_reads_all_succeed()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Env.SeedAsync(User, 5, ct);
        await using var app = fixture.CreateApp(o => o.Settings["Imap:MaxConnectionsPerAccount"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        var inbox = ResourceIds.Mailbox("INBOX");
        var rest = $"/api/v1/accounts/{accountId}/mailboxes/{inbox}/messages?limit=5";
        string message;
        const string query = "query($a: ID!, $m: ID!) { account(id: $a) { messages(mailboxId: $m, first: 5) { edges { node { uid subject } } } } }";
        var variables = new { a = accountId, m = inbox };

        using (var page = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(rest, ct)))
            message = $"/api/v1/accounts/{accountId}/messages/{page.RootElement.GetProperty("items")[0].GetProperty("id").GetString()}";
        var reads = 0;

        async Task<string?> GetAsync(string url)
        {
            using var response = await http.GetAsync(url, ct);
            return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}";
        }

        Task<string?> RestReadAsync() => GetAsync(rest);
        // After the kick every other read is one message, whose body is cached since its first read (its flags are proven on a lease).
        Task<string?> RestMixedReadAsync() => GetAsync(Interlocked.Increment(ref reads) % 2 == 0 ? message : rest);

        async Task<string?> GraphQLReadAsync()
        {
            var result = await GraphQLCalls.PostAsync(http, query, variables, ct);
            return result.TryGetProperty("errors", out var errors) ? errors.GetRawText() : null;
        }

        Assert.Null(await GetAsync(message)); // its body is cached from now on
        await FillPoolAsync(RestReadAsync, ct);
        await fixture.Env.KickAsync(User, ct);
        await AssertAllSucceedAsync(RestMixedReadAsync, "REST");

        await FillPoolAsync(GraphQLReadAsync, ct);
        await fixture.Env.KickAsync(User, ct);
        await AssertAllSucceedAsync(GraphQLReadAsync, "GraphQL");
    }

    /// <summary>Rounds of concurrent reads until Dovecot holds a full pool of the user's connections.</summary>
    private async Task FillPoolAsync(Func<Task<string?>> read, CancellationToken ct)
    {
        var connections = 0;
        for (var round = 0; round < 30 && connections < Concurrency; round++)
        {
            var failures = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => read()));
            Assert.All(failures, Assert.Null);
            connections = await fixture.Env.CountConnectionsAsync(User, ct);
        }
        Assert.Equal(Concurrency, connections);
    }

    /// <summary>6 concurrent reads (each may meet a dead pooled connection), then 6 one after another: none fails.</summary>
    private static async Task AssertAllSucceedAsync(Func<Task<string?>> read, string api)
    {
        var concurrent = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => read()));
        var failures = concurrent.Where(f => f is not null).ToList();
        for (var i = 0; i < Concurrency; i++)
            if (await read() is { } failure) failures.Add(failure);
        Assert.True(failures.Count == 0, $"{api}: {failures.Count} failed after the kick: {string.Join(" | ", failures)}");
    }
}
