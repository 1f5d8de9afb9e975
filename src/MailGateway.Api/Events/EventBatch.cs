namespace MailGateway.Api.Events;

/// <summary>
/// The events one watch produces for one sync (the changes up to its <see cref="MailGateway.Imap.MailboxChange.Synced"/>
/// checkpoint, at most <see cref="MaxAge"/> long): sinks that look something up per event (the webhook sink: the account
/// and its owner's subscriptions) do it once per batch instead. Flows to the sinks through the execution context
/// (<see cref="Current"/>), set by <see cref="AccountWatchRunner"/>; outside a watch there is none and sinks look up per event.
/// </summary>
internal sealed class EventBatch(TimeProvider time)
{
    /// <summary>A batch never lives longer than this: what it looked up may be this old at most.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private static readonly AsyncLocal<EventBatch?> Ambient = new();
    private readonly Dictionary<string, object?> _lookups = new(StringComparer.Ordinal);
    private readonly long _started = time.GetTimestamp();

    public static EventBatch? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>The batch for the next change: none for a checkpoint (it ends the batch), else the running one while young.</summary>
    public static EventBatch? Next(EventBatch? running, bool checkpoint, TimeProvider time) =>
        checkpoint ? null : running is not null && time.GetElapsedTime(running._started) < MaxAge ? running : new EventBatch(time);

    /// <summary>The value looked up for <paramref name="key"/> earlier in this batch, else <paramref name="lookup"/>'s.</summary>
    public async ValueTask<T> GetOrAddAsync<T>(string key, Func<ValueTask<T>> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (_lookups.TryGetValue(key, out var known) && known is T typed) return typed;
        var value = await lookup().ConfigureAwait(false);
        _lookups[key] = value;
        return value;
    }
}
