namespace MailGateway.Api.Security;

/// <summary>
/// <c>Accounts:OAuth</c>: the client for accounts registered with a refresh token but no <c>client</c>. It is not a
/// second token client: it becomes the entry <see cref="Name"/> of <c>ImapOAuth:Clients</c>, served by the one
/// <see cref="TokenEndpointClient"/> (no redirects, validated settings, one lock and cache per account).
/// </summary>
internal static class DefaultOAuthClient
{
    public const string Section = "Accounts:OAuth";
    public const string Name = "default";

    public static void AddTo(ImapOAuthOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (string.IsNullOrWhiteSpace(section["TokenEndpoint"]) || options.Clients.ContainsKey(Name))
            return;
        options.Clients[Name] = new ImapOAuthClientOptions
        {
            TokenEndpoint = section["TokenEndpoint"]!,
            ClientId = section["ClientId"] ?? "",
            ClientSecret = section["ClientSecret"],
            Scope = section["Scope"],
        };
    }
}
