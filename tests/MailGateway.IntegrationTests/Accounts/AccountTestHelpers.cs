using System.Text.Json;

namespace MailGateway.IntegrationTests.Accounts;

internal static class AccountTestHelpers
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    public static async Task<string> ProblemCodeAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.JsonAsync(cancellationToken)).GetProperty("code").GetString()!;
    }
}
