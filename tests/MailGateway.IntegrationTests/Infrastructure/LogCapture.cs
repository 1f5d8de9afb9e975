using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every log line of every gateway in the run (after the app's
/// level filters, which the harness sets to include the gateway's Debug output), each with its UTC time.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public int Count => _lines.Count;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Lines written after <paramref name="skip"/> lines (take <see cref="Count"/> before the action under test).</summary>
    public IReadOnlyList<string> Since(int skip) => [.. _lines.Skip(skip)];

    public void Dispose()
    {
        // Shared by every app of the run: nothing to release, lines stay readable.
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
                line += " {" + string.Join(", ", properties.Select(p => $"{p.Key}={p.Value}")) + "}";
            if (exception is not null)
                line += Environment.NewLine + exception;
            owner._lines.Enqueue(line);
        }
    }
}
