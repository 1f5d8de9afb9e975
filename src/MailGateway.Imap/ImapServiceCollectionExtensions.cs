using MailGateway.Imap;
using MailGateway.Imap.Caching;
using MailGateway.Imap.Pooling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class ImapServiceCollectionExtensions
{
    /// <summary>Registers the IMAP session pool and its options (bound from <paramref name="section"/>).
    /// The host must register an <see cref="IImapCredentialProvider"/>; it may register an
    /// <see cref="IImapLoginObserver"/> (default: none) and a <see cref="TimeProvider"/> (default: system).</summary>
    public static IServiceCollection AddImapSessionPool(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<ImapOptions>().Bind(section)
            .Validate(o => o.MaxConnectionsPerAccount >= 1 && o.MaxConnections >= 1, "Imap:MaxConnectionsPerAccount and Imap:MaxConnections must be at least 1.")
            .Validate(o => o.LeaseTimeout > TimeSpan.Zero && o.ConnectTimeout > TimeSpan.Zero && o.CommandTimeout > TimeSpan.Zero && o.IdleTimeout > TimeSpan.Zero,
                "Imap timeouts must be positive.")
            .Validate(o => o.TrustedCertificateFiles.All(File.Exists), "Every Imap:TrustedCertificateFiles entry must be an existing PEM file.")
            .ValidateOnStart();
        services.AddOptions<ReadCacheOptions>().Bind(section.GetSection(ReadCacheOptions.Section))
            .Validate(o => o.MaxBytes >= 0 && o.MaxBodyBytes >= 0 && o.MaxMailboxViews >= 1 && o.WatchMaxSilence > TimeSpan.FromSeconds(1) &&
                o.SharedTtl > TimeSpan.Zero && o.SharedMaxEntryBytes >= 0 && o.SharedBreakDuration > TimeSpan.Zero,
                "Imap:Cache sizes must not be negative, WatchMaxSilence must exceed one second, SharedTtl and SharedBreakDuration be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<ReadCache>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IImapLoginObserver, NullImapLoginObserver>();
        services.TryAddSingleton<ImapTelemetry>();
        services.TryAddSingleton<ImapCertificateValidator>();
        services.TryAddSingleton<ImapConnector>();
        services.TryAddSingleton<IImapConnectionSource>(sp => sp.GetRequiredService<ImapConnector>());
        services.TryAddSingleton<IImapConnectionBudget, LocalConnectionBudget>();
        services.TryAddSingleton<ImapSessionPool>();
        services.TryAddSingleton<IImapSessionPool>(sp => sp.GetRequiredService<ImapSessionPool>());
        return services;
    }
}
