namespace MailGateway.Api.Hosting;

internal static class ImapPoolExtensions
{
    /// <summary>The IMAP session pool (section <c>Imap</c>): the only door to IMAP for every feature.</summary>
    public static IHostApplicationBuilder AddImapPool(this IHostApplicationBuilder builder)
    {
        builder.Services.AddImapSessionPool(builder.Configuration.GetSection("Imap"));
        return builder;
    }
}
