using System.Diagnostics;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Events;

/// <summary>
/// The /demo page in headless Chromium (Debian <c>chromium</c>, driven by npm <c>playwright-core</c> from demo-ui/)
/// against the gateway on real Kestrel: a message appended over IMAP appears on the page, as text.
/// </summary>
public sealed class DemoPageE2ETests(MailEnvFixture fixture)
{
    [Fact]
    public async Task The_demo_page_shows_new_mail_live()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = fixture.CreateApp(o => fixture.RedisNamespaceFor(typeof(DemoPageE2ETests)).ApplyTo(o.Settings));
        app.UseKestrel(0); // a browser cannot reach TestServer
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

        const string owner = "events-owner-165";
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", app.CreateToken(owner));
        var accountId = await app.RegisterAccountAsync(http, "user165", ct);
        var token = app.CreateToken(owner);

        var logStart = fixture.Logs.Count;
        var subject = "<img src=x onerror=alert(1)> <b>Live</b> demo " + Guid.NewGuid().ToString("N")[..8];
        var script = Path.Combine(GatewayProcess.RepoRoot(), "demo-ui", "e2e", "live-inbox.cjs");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, address, token, accountId, subject }) start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        var stderr = node.StandardError.ReadToEndAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            var output = new List<string>();
            string? line;
            while ((line = await node.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
            {
                output.Add(line);
                if (line == "READY")
                {
                    output.Add("got READY at " + DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                }
            }
            if (line != "READY")
                Assert.Fail($"the page did not get ready: {string.Join('\n', output)}\n{await stderr}");

            var appendStarted = DateTimeOffset.UtcNow;
            var uid = await fixture.Env.AppendAsync("user165", "INBOX", TestMail.Create(subject), ct);
            var appended = $"appended uid {uid} at {appendStarted:HH:mm:ss.fff} in {(DateTimeOffset.UtcNow - appendStarted).TotalMilliseconds} ms";
            var rest = await node.StandardOutput.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);
            Assert.True(node.ExitCode == 0, $"the page did not show the message ({appended}; {string.Join(' ', output)}): {rest}\n{await stderr}\n" +
                string.Join('\n', fixture.Logs.Since(logStart).Where(l => l.Contains("Watch", StringComparison.Ordinal) || l.Contains("Events", StringComparison.Ordinal))) + "\nDOVECOT:\n" +
                string.Join('\n', fixture.Env.ReadLogLines().Where(l => l.Contains("user165", StringComparison.Ordinal)).TakeLast(30)));
            Assert.Contains("FOUND", rest, StringComparison.Ordinal);
            Assert.Contains(subject, rest, StringComparison.Ordinal); // the markup came through as text
        }
        finally
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
        }
    }
}
