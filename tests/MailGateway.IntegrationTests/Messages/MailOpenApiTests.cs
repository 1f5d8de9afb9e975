using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Messages;

public class MailOpenApiTests(MailEnvFixture fixture)
{
    [Theory]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes", "get", "ListMailboxes")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes", "post", "CreateMailbox")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes/{mailboxId}", "patch", "UpdateMailbox")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes/{mailboxId}", "delete", "DeleteMailbox")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes/{mailboxId}/messages", "get", "ListMessages")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes/{mailboxId}/messages", "post", "AppendMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}", "get", "GetMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}", "patch", "UpdateMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}", "delete", "DeleteMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}/raw", "get", "GetRawMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}/attachments/{attachmentId}", "get", "GetAttachment")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}/move", "post", "MoveMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/{messageId}/copy", "post", "CopyMessage")]
    [InlineData("/api/v1/accounts/{accountId}/messages/batch", "post", "BatchMessages")]
    [InlineData("/api/v1/accounts/{accountId}/mailboxes/{mailboxId}/changes", "get", "GetChanges")]
    public async Task Every_mail_route_is_described_with_a_summary_and_its_problem_responses(string path, string method, string operationId)
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var operation = json.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        var responses = operation.GetProperty("responses");
        foreach (var status in new[] { "401", "404", "502", "503" })
            Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} lacks {status}");
    }
}
