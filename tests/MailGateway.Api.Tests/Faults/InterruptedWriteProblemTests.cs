using System.Text.Json;
using MailGateway.Api.Hosting;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.Api.Tests.Faults;

/// <summary>A non-idempotent write whose IMAP connection died is a 503 that says whether it may have happened.</summary>
public class InterruptedWriteProblemTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interrupted_write_is_a_503_with_retry_after_and_says_whether_it_may_have_happened(bool mayHaveHappened)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.Request.Headers.Accept = "application/json";
        var handler = new ImapExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), services.GetRequiredService<ILogger<ImapExceptionHandler>>());
        var exception = new ImapUnavailableException("connection died", TimeSpan.FromSeconds(2), new IOException("reset")) { MayHaveHappened = mayHaveHappened };

        Assert.True(await handler.TryHandleAsync(context, exception, TestContext.Current.CancellationToken));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("imap_unavailable", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(mayHaveHappened, json.RootElement.GetProperty("operationMayHaveHappened").GetBoolean());
    }
}
