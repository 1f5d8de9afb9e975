using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>Samples a user's server-side connection count (<c>doveadm who</c>) every 50 ms until stopped and keeps the
/// highest: the budget tests' measure of what the gateway really opened.</summary>
internal sealed class ConnectionSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _max;

    private ConnectionSampler(MailEnvironment env, string user) => _sampling = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = await env.CountConnectionsAsync(user, CancellationToken.None);
            Volatile.Write(ref _max, Math.Max(Volatile.Read(ref _max), now));
            await Task.Delay(50, CancellationToken.None);
        }
    }, CancellationToken.None);

    public static ConnectionSampler Start(MailEnvironment env, string user) => new(env, user);

    /// <summary>Stops sampling and answers the most connections seen.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        return Volatile.Read(ref _max);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
