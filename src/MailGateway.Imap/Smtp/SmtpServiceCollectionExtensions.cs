using MailGateway.Imap.Pooling;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SmtpServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ISmtpSender"/> under the <c>Imap</c> transport rules (call after
    /// <see cref="ImapServiceCollectionExtensions.AddImapSessionPool"/>). The host must register an <see cref="ISmtpCredentialProvider"/>.</summary>
    /// <param name="section">The <c>Smtp</c> section (<see cref="SmtpOptions"/>: connection reuse); null: the defaults.</param>
    public static IServiceCollection AddSmtpSender(this IServiceCollection services, IConfiguration? section = null)
    {
        var options = services.AddOptions<SmtpOptions>();
        if (section is not null)
            options.Bind(section);
        options.Validate(o => o.IdleTimeout >= TimeSpan.Zero && o.MaxMessagesPerConnection >= 1 && o.MaxIdleConnections >= 1,
            "Smtp:IdleTimeout must not be negative; Smtp:MaxMessagesPerConnection and Smtp:MaxIdleConnections must be at least 1.").ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SmtpConnectionCache>();
        services.TryAddSingleton<ImapCertificateValidator>();
        services.TryAddSingleton<ISmtpSender, SmtpSender>();
        return services;
    }
}
