using System.Text.Json;
using MailGateway.Api.Hosting;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.Api.Tests;

public class ProblemMappingTests
{
    public static TheoryData<Exception, int, string> Cases => new()
    {
        { new ImapAuthenticationException("rejected"), 502, "imap_auth_failed" },
        { new ImapUnavailableException("lease timed out"), 503, "imap_unavailable" },
        { new ImapUnavailableException("connection refused", inner: new System.Net.Sockets.SocketException(111)), 502, "imap_unavailable" },
        { new ImapPolicyException("insecure_transport", "plaintext refused"), 422, "insecure_transport" },
        { new MailboxNotFoundException("Nope"), 404, "mailbox_not_found" },
        { new MailboxAlreadyExistsException("Dup"), 409, "mailbox_exists" },
        { new MessageNotFoundException(), 404, "message_not_found" },
        { new StaleMessageException(), 404, "stale_message_id" },
        { new CannotCalculateChangesException("too old"), 410, "cannot_calculate_changes" },
        { new ImapOperationException("bad name"), 422, "imap_operation_failed" },
        { new BadHttpRequestException("too big", 413), 413, "payload_too_large" },
        { new BadHttpRequestException("bad json"), 400, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exceptions_map_to_status_and_code(Exception exception, int status, string code)
    {
        var mapped = ErrorCatalogue.Describe(exception);
        Assert.NotNull(mapped);
        Assert.Equal(status, mapped.Status);
        Assert.Equal(code, mapped.Code);
        if (status is 502 or 503)
            Assert.NotNull(mapped.RetryAfter);
    }

    [Fact]
    public void Unexpected_exceptions_are_not_mapped()
    {
        Assert.Null(ErrorCatalogue.Describe(new InvalidOperationException("boom")));
    }

    [Fact]
    public async Task Handler_writes_problem_json_with_retry_after()
    {
        var (context, handler) = Create();
        Assert.True(await handler.TryHandleAsync(context, new ImapUnavailableException("down", TimeSpan.FromSeconds(7)), TestContext.Current.CancellationToken));
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("7", context.Response.Headers.RetryAfter.ToString());
        var problem = await ReadAsync(context);
        Assert.Equal("imap_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("down", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unexpected_exception_is_a_500_problem_without_details()
    {
        var (context, handler) = Create();
        Assert.True(await handler.TryHandleAsync(context, new InvalidOperationException("secret internals"), TestContext.Current.CancellationToken));
        Assert.Equal(500, context.Response.StatusCode);
        var problem = await ReadAsync(context);
        Assert.Equal("internal_error", problem.GetProperty("code").GetString());
        Assert.DoesNotContain("secret internals", problem.GetRawText());
    }

    [Theory]
    [InlineData(404, "not_found")]
    [InlineData(405, "method_not_allowed")]
    [InlineData(401, "unauthorized")]
    [InlineData(429, "rate_limited")]
    [InlineData(500, "internal_error")]
    public void Bare_status_codes_get_a_code(int status, string code) =>
        Assert.Equal(code, ProblemDetailsExtensions.CodeFor(status));

    private static (DefaultHttpContext, ImapExceptionHandler) Create()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.Request.Headers.Accept = "application/json";
        var handler = new ImapExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), services.GetRequiredService<ILogger<ImapExceptionHandler>>());
        return (context, handler);
    }

    private static async Task<JsonElement> ReadAsync(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return json.RootElement.Clone();
    }
}
