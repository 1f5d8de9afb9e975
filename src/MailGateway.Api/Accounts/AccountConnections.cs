using MailGateway.Imap;
using StackExchange.Redis;

namespace MailGateway.Api.Accounts;

/// <summary>
/// Closes an account's pooled IMAP connections on every instance when it is disabled, removed or reset, or its credentials
/// change: this instance's pool at once, the other instances' through the Redis channel <c>mg:account-connections:close</c>
/// (every instance subscribes at startup). Without it, a disabled account kept its idle connections on the other instances
/// until their idle timeout. Without Redis there is one instance: its own pool.
/// </summary>
internal sealed class AccountConnections(IImapSessionPool pool, IServiceProvider services, ILogger<AccountConnections> logger) : IHostedService
{
    private readonly string _self = Guid.NewGuid().ToString("N"); // this process's messages come back to it: skip them
    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();
    private readonly RedisChannel _channel = RedisChannel.Literal(
        (services.GetService<Storage.RedisKeys>() ?? new Storage.RedisKeys()).Name("account-connections:close"));

    /// <summary>Closes the account's pooled connections here and asks every other instance to do the same.</summary>
    public async Task CloseEverywhereAsync(string accountId, CancellationToken cancellationToken)
    {
        await pool.ResetAsync(accountId, cancellationToken).ConfigureAwait(false);
        if (_redis is null) return;
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, _self + " " + accountId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The change is saved; the other instances' idle connections then close at their idle timeout.
            AccountsLog.CloseBroadcastFailed(logger, accountId, ex);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is null) return;
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, (channel, message) =>
            {
                var parts = message.ToString().Split(' ', 2);
                if (parts.Length == 2 && parts[0] != _self && parts[1].Length > 0)
                    _ = pool.ResetAsync(parts[1], CancellationToken.None).AsTask();
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            AccountsLog.CloseBroadcastFailed(logger, null, ex); // Redis down at startup: idle connections still close at their idle timeout
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
