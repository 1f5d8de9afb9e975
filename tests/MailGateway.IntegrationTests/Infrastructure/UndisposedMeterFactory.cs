using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>
/// The <see cref="IMeterFactory"/> of one test gateway, whose meters are not disposed with the app.
/// OpenTelemetry listens to meters by name process-wide and merges same-named instruments of all apps into one
/// stream; when one app disposed its meters, that stream ended in every other app's /metrics too. Leaving the meters
/// alive keeps the survivors' figures flowing (the figures of all apps of the run add up: compare before/after).
/// </summary>
internal sealed class UndisposedMeterFactory : IMeterFactory
{
    private readonly ConcurrentDictionary<(string Name, string? Version), Meter> _meters = new();

    public Meter Create(MeterOptions options) =>
        _meters.GetOrAdd((options.Name, options.Version), _ => new Meter(new MeterOptions(options.Name)
        {
            Version = options.Version,
            Tags = options.Tags,
            Scope = this,
        }));

    public void Dispose()
    {
        // Deliberately nothing: see the class comment.
    }
}
