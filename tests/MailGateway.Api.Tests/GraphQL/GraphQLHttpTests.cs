using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MailGateway.Api.Tests.GraphQL;

/// <summary>GraphQL over HTTP: status codes and media types per the GraphQL-over-HTTP specification.</summary>
public sealed class GraphQLHttpTests(GraphQLHttpTests.App app) : IClassFixture<GraphQLHttpTests.App>
{
    public sealed class App : IDisposable
    {
        public GraphQLTestApp Factory { get; } = new();
        public void Dispose() => Factory.Dispose();
    }

    private const string GraphQLResponse = "application/graphql-response+json";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Post(string body, string contentType = "application/json", string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    private static string Json(string query) => JsonSerializer.Serialize(new { query });

    [Fact]
    public async Task Me_answers_the_callers_owner_id_and_permissions()
    {
        using var client = app.Factory.CreateClient("http-me", "Mail.Read");
        using var response = await client.SendAsync(Post(Json("{ me { id permissions isAdmin } }")), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var me = json.RootElement.GetProperty("data").GetProperty("me");
        Assert.EndsWith("/sub:http-me", me.GetProperty("id").GetString());
        Assert.Equal(["Mail.Read"], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.False(me.GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        using var client = app.Factory.CreateClient("http-415");
        using var response = await client.SendAsync(Post("{ me { id } }", "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task No_acceptable_media_type_is_406()
    {
        using var client = app.Factory.CreateClient("http-406");
        using var response = await client.SendAsync(Post(Json("{ me { id } }"), accept: "text/html"), Ct);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_json_is_400()
    {
        using var client = app.Factory.CreateClient("http-400-json");
        using var response = await client.SendAsync(Post("{ \"query\": ", accept: GraphQLResponse), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await FirstErrorCode(response));
    }

    [Fact]
    public async Task Validation_error_is_400_under_graphql_response_json_and_200_under_json()
    {
        using var client = app.Factory.CreateClient("http-400-validation");
        using var strict = await client.SendAsync(Post(Json("{ me { noSuchField } }"), accept: GraphQLResponse), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Equal(GraphQLResponse, strict.Content.Headers.ContentType?.MediaType);

        using var legacy = await client.SendAsync(Post(Json("{ me { noSuchField } }"), accept: "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Equal("application/json", legacy.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Syntax_error_is_400_under_graphql_response_json()
    {
        using var client = app.Factory.CreateClient("http-400-syntax");
        using var response = await client.SendAsync(Post(Json("{ me { id "), accept: GraphQLResponse), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Subscription_over_POST_is_405()
    {
        using var client = app.Factory.CreateClient("http-405-sub");
        using var response = await client.SendAsync(Post(Json("subscription { mailEvents(accountId: \"x\") { id } }")), Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", await FirstErrorCode(response));
    }

    [Fact]
    public async Task Mutation_over_GET_is_405_and_query_over_GET_runs()
    {
        using var client = app.Factory.CreateClient("http-get");
        var mutation = Uri.EscapeDataString("mutation { removeAccount(id: \"x\") }");
        using var refused = await client.GetAsync($"/graphql?query={mutation}", Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        Assert.Contains("POST", refused.Content.Headers.Allow);

        var query = Uri.EscapeDataString("query Who { me { id } }");
        using var ok = await client.GetAsync($"/graphql?query={query}&operationName=Who", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("sub:http-get", await ok.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Without_a_token_POST_and_GET_are_401()
    {
        using var client = app.Factory.CreateClient();
        using var post = await client.SendAsync(Post(Json("{ me { id } }")), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        using var get = await client.GetAsync("/graphql?query=%7Bme%7Bid%7D%7D", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        using var client = app.Factory.CreateClient("http-413");
        var huge = Json("{ me { id } }" + new string(' ', 70 * 1024));
        using var response = await client.SendAsync(Post(huge), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_50_level_deep_query_is_refused_with_max_depth_exceeded()
    {
        using var client = app.Factory.CreateClient("http-depth");
        var query = "{ __type(name: \"Query\") { " + string.Concat(Enumerable.Repeat("ofType { ", 48)) + "name" + new string('}', 48) + " } }";
        using var response = await client.SendAsync(Post(Json(query), accept: GraphQLResponse), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("max_depth_exceeded", await FirstErrorCode(response));
    }

    [Fact]
    public async Task A_missing_permission_answers_forbidden()
    {
        using var client = app.Factory.CreateClient("http-scope", "Webhooks.ReadWrite");
        using var response = await client.SendAsync(Post(Json("{ accounts { id } }")), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("insufficient_scope", await FirstErrorCode(response));
    }

    [Fact]
    public async Task An_unknown_account_answers_account_not_found()
    {
        using var client = app.Factory.CreateClient("http-404");
        using var response = await client.SendAsync(Post(Json("{ account(id: \"nope\") { id } }")), Ct);
        Assert.Equal("account_not_found", await FirstErrorCode(response));
    }

    internal static async Task<string?> FirstErrorCode(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString();
    }
}
