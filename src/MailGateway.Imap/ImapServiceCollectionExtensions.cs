using MailGateway.Imap;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class ImapServiceCollectionExtensions
{
    /// <summary>Registers the IMAP session pool and its options (bound from <paramref name="section"/>).
    /// The host must register an <see cref="IImapCredentialProvider"/>.</summary>
    public static IServiceCollection AddImapSessionPool(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<ImapOptions>().Bind(section).ValidateOnStart();
        return services;
    }
}
