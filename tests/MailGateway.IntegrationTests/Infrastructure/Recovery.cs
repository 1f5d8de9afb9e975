using System.Diagnostics;
using System.Net;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>The fault tests' "works again" check: once a dependency is back, a request is repeated until it answers
/// 200 within a bound, and no answer on the way may be a 500.</summary>
internal static class Recovery
{
    /// <param name="after">What came back, for the messages ("after SIGCONT").</param>
    /// <returns>How long it took (also written to the test output).</returns>
    public static async Task<TimeSpan> WaitForOkAsync(HttpClient http, string path, TimeSpan within, string after, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync(path, ct);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK) break;
            Assert.True(clock.Elapsed < within, $"{path} still {(int)response.StatusCode} {clock.Elapsed} {after}");
            await Task.Delay(100, ct);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{path} works again {clock.ElapsedMilliseconds} ms {after}");
        return clock.Elapsed;
    }
}
