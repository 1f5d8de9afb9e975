using MailGateway.Imap.Caching;
using MailGateway.Api.Storage;

namespace MailGateway.Api.Hosting;

internal static class ImapPoolExtensions
{
    /// <summary>The IMAP session pool (section <c>Imap</c>): the only door to IMAP for every feature. With Redis, the
    /// read cache's shared level lives there (used only when <c>Imap:Cache:Shared</c> is on).</summary>
    public static IHostApplicationBuilder AddImapPool(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.IsRedisConfigured()) builder.Services.AddSingleton<ISharedReadCache, RedisSharedReadCache>();
        builder.Services.AddImapSessionPool(builder.Configuration.GetSection("Imap"));
        return builder;
    }
}
