using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MailGateway.Api.Tests.GraphQL;

/// <summary>Per-user rate limit, introspection switch and cost limit, each with its own clear answer.</summary>
public sealed class GraphQLLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> PostAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query }, Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    [Fact]
    public async Task The_per_user_budget_answers_429_with_Retry_After_and_spares_other_users()
    {
        using var app = new GraphQLTestApp().WithSetting("GraphQL:RequestsPerWindow", "2");
        using var busy = app.CreateClient("limit-busy");
        for (var i = 0; i < 2; i++)
        {
            using var ok = await busy.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var refused = await busy.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("rate_limited", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var other = app.CreateClient("limit-other");
        using var fine = await other.PostAsJsonAsync("/graphql", new { query = "{ me { id } }" }, Ct);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Introspection_can_be_switched_off()
    {
        using var app = new GraphQLTestApp().WithSetting("GraphQL:EnableIntrospection", "false");
        using var client = app.CreateClient("limit-introspection");
        var refused = await PostAsync(client, "{ __schema { types { name } } }");
        Assert.Equal("introspection_disabled", refused.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        var ok = await PostAsync(client, "{ me { id } }");
        Assert.False(ok.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Introspection_is_on_by_default_in_Development()
    {
        using var app = new GraphQLTestApp().WithSetting("GraphQL:EnableIntrospection", "");
        using var client = app.CreateClient("limit-introspection-dev");
        var answer = await PostAsync(client, "{ __type(name: \"Mailbox\") { name } }");
        Assert.Equal("Mailbox", answer.GetProperty("data").GetProperty("__type").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_too_expensive_query_is_refused_with_max_complexity_exceeded()
    {
        using var app = new GraphQLTestApp();
        using var client = app.CreateClient("limit-cost");
        var answer = await PostAsync(client,
            "{ accounts { mailboxes { messages(first: 200) { edges { node { id subject from { name address } to { address } cc { address } } } } } } }");
        Assert.Equal("max_complexity_exceeded", answer.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
