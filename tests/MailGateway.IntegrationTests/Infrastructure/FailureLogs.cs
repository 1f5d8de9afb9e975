namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps the gateway log lines of a failed test: a test class creates one with the fixture's <see cref="LogCapture"/>
/// (it marks where the test began) and calls <see cref="WriteIfFailed"/> from its <c>DisposeAsync</c>, where xunit
/// knows the test's result. The lines (of every in-process gateway of the run since the mark, so parallel tests'
/// lines are mixed in; each is timestamped) go to <c>artifacts/test-results/failure-logs/&lt;test&gt;.log</c>, or to
/// the directory in <c>MG_FAILURE_LOGS</c>; the path is sent as the test's diagnostic message.
/// For the tests whose failures are timing-sensitive and hard to reproduce alone (multi-process, faults, sending).
/// </summary>
public sealed class FailureLogs(LogCapture logs)
{
    private readonly int _mark = logs.Count;

    public void WriteIfFailed()
    {
        var context = TestContext.Current;
        if (context.TestState?.Result != TestResult.Failed || context.Test is not { } test) return;
        var directory = Environment.GetEnvironmentVariable("MG_FAILURE_LOGS")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "test-results", "failure-logs"));
        Directory.CreateDirectory(directory);
        var name = string.Concat(test.TestDisplayName.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_'));
        var path = Path.Combine(directory, name[..Math.Min(name.Length, 180)] + ".log");
        File.WriteAllLines(path, logs.Since(_mark));
        context.SendDiagnosticMessage($"gateway log lines since the test began: {path}");
    }
}
