using MailGateway.Imap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class WatchingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IMailboxWatcher"/> and its options (bound from <paramref name="section"/>,
    /// normally <c>Events</c>). Needs <c>AddImapSessionPool</c> for the connector it shares with the pool.</summary>
    public static IServiceCollection AddMailboxWatching(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<MailboxWatcherOptions>().Bind(section)
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.IdleRestart > TimeSpan.Zero && o.IdleRestart < TimeSpan.FromMinutes(29),
                "Events:PollInterval must be positive and Events:IdleRestart between 0 and 29 minutes.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWatchConnector, PoolWatchConnector>();
        services.TryAddSingleton<IMailboxWatcher, MailboxWatcher>();
        return services;
    }
}
