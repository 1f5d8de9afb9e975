using System.Collections.Concurrent;
using System.Diagnostics;

namespace MailGateway.Bench.Soak;

/// <summary>What the soak run saw: each APPEND (when, in which fault window), each SignalR event, each HTTP status,
/// overall and per fault window (a window runs from one fault's start to the next one's).</summary>
internal sealed class SoakLedger
{
    private readonly List<SoakWindow> _windows = [new("before the first fault")];
    private int _transportErrors;
    private int _appendFailures;

    /// <summary>Subject → (APPEND done, <see cref="Stopwatch.GetTimestamp"/>; index of its fault window; the user it went to).</summary>
    public ConcurrentDictionary<string, (long At, int Window, string User)> Appended { get; } = new(StringComparer.Ordinal);

    /// <summary>Subject → first SignalR <c>message.created</c> (timestamp).</summary>
    public ConcurrentDictionary<string, long> Pushed { get; } = new(StringComparer.Ordinal);

    /// <summary>Subject → SignalR events received for it.</summary>
    public ConcurrentDictionary<string, int> PushCount { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public int TransportErrors => Volatile.Read(ref _transportErrors);
    public int AppendFailures => Volatile.Read(ref _appendFailures);

    public IReadOnlyList<SoakWindow> Windows { get { lock (_windows) return [.. _windows]; } }

    private SoakWindow Current { get { lock (_windows) return _windows[^1]; } }
    private int CurrentIndex { get { lock (_windows) return _windows.Count - 1; } }

    /// <summary>Starts the window of a fault of kind <paramref name="kind"/>.</summary>
    public void Open(string kind) { lock (_windows) _windows.Add(new SoakWindow(kind)); }

    public void Append(string subject, string user) => Appended[subject] = (Stopwatch.GetTimestamp(), CurrentIndex, user);

    public void AppendFailed() => Interlocked.Increment(ref _appendFailures);

    public void Push(string subject)
    {
        var at = Stopwatch.GetTimestamp();
        PushCount.AddOrUpdate(subject, 1, (_, n) => n + 1);
        Pushed.TryAdd(subject, at);
    }

    public void Status(int status)
    {
        Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        Current.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
    }

    public void TransportError()
    {
        Interlocked.Increment(ref _transportErrors);
        Current.Statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
    }
}

/// <summary>One fault window: its kind, its start and the HTTP statuses answered in it (0 = no answer: a transport error).</summary>
internal sealed record SoakWindow(string Kind)
{
    public long Started { get; } = Stopwatch.GetTimestamp();

    public ConcurrentDictionary<int, int> Statuses { get; } = new();
}
