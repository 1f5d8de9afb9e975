using MailGateway.Imap.Pooling;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SmtpServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ISmtpSender"/> under the <c>Imap</c> transport rules (call after
    /// <see cref="ImapServiceCollectionExtensions.AddImapSessionPool"/>). The host must register an <see cref="ISmtpCredentialProvider"/>.</summary>
    public static IServiceCollection AddSmtpSender(this IServiceCollection services)
    {
        services.TryAddSingleton<ImapCertificateValidator>();
        services.TryAddSingleton<ISmtpSender, SmtpSender>();
        return services;
    }
}
