using System.Net.Http.Json;
using System.Text.Json;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Posts GraphQL documents and reads the answers.</summary>
internal static class GraphQLCalls
{
    public static async Task<JsonElement> PostAsync(HttpClient client, string query, object? variables = null, CancellationToken ct = default)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /graphql answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The data of an answer that must have no errors.</summary>
    public static async Task<JsonElement> DataAsync(HttpClient client, string query, object? variables = null, CancellationToken ct = default)
    {
        var result = await PostAsync(client, query, variables, ct);
        if (result.TryGetProperty("errors", out var errors))
            throw new InvalidOperationException("GraphQL errors: " + errors.GetRawText());
        return result.GetProperty("data");
    }

    /// <summary>The <c>extensions.code</c> of the first error (the answer must have one).</summary>
    public static async Task<string?> ErrorCodeAsync(HttpClient client, string query, object? variables = null, CancellationToken ct = default)
    {
        var result = await PostAsync(client, query, variables, ct);
        return result.TryGetProperty("errors", out var errors)
            ? errors[0].GetProperty("extensions").GetProperty("code").GetString()
            : throw new InvalidOperationException("Expected an error, got " + result.GetRawText());
    }
}
