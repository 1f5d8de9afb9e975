using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>IMAP commands sent through one service provider's connector (pool and watch), by command name, read from
/// the <c>mailgateway.imap.commands</c> counter of that provider's meters only (other tests run in parallel).</summary>
internal sealed class CommandCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byName = new(StringComparer.Ordinal);
    private readonly string? _except;
    private long _count;

    /// <param name="except">A command name not counted in <see cref="Count"/> (e.g. the watch's IDLE renewals).</param>
    public CommandCounter(IServiceProvider services, string? except = null)
    {
        _except = except;
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "mailgateway.imap.commands" && ReferenceEquals(instrument.Meter.Scope, factory)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key != "command" || tag.Value is not string name) continue;
                _byName.AddOrUpdate(name, value, (_, n) => n + value);
                if (name != _except) Interlocked.Add(ref _count, value);
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public long Of(string command) => _byName.GetValueOrDefault(command);

    /// <summary>Counts by name, e.g. <c>IDLE=2 UID FETCH=1</c>. A snapshot first: measurements may arrive while it is built.</summary>
    public override string ToString() => string.Join(' ', _byName.ToArray().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public void Dispose() => _listener.Dispose();
}
