using Microsoft.Extensions.Options;

namespace MailGateway.Api.Security;

/// <summary>The <c>ImapOAuth</c> section: OAuth2 clients whose refresh tokens accounts may store, and the
/// on-behalf-of settings for Exchange Online.</summary>
public sealed class ImapOAuthOptions
{
    public const string Section = "ImapOAuth";

    /// <summary>The delegated Exchange Online permission for IMAP (SASL XOAUTH2).</summary>
    public const string ExchangeOnlineImapScope = "https://outlook.office.com/IMAP.AccessAsUser.All";

    /// <summary>The delegated Exchange Online permission for SMTP AUTH submission (SASL XOAUTH2).</summary>
    public const string ExchangeOnlineSmtpScope = "https://outlook.office.com/SMTP.Send";

    /// <summary>Configured OAuth2 clients by name; an account names the one its refresh token belongs to.</summary>
    public Dictionary<string, ImapOAuthClientOptions> Clients { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Allow <c>http://</c> token endpoints (tests only: the client secret and tokens travel in clear).</summary>
    public bool AllowInsecureTokenEndpoint { get; set; }

    /// <summary>An access token is refreshed this long before it expires (at most half its lifetime).</summary>
    public TimeSpan RefreshSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a call to a token endpoint may take.</summary>
    public TimeSpan TokenEndpointTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Scope requested on behalf of the caller (Entra ID). Other clouds use their own Exchange host.</summary>
    public string OnBehalfOfScope { get; set; } = ExchangeOnlineImapScope;

    /// <summary>Scope requested on behalf of the caller for an <c>smtp.oauth</c> block with <c>onBehalfOf: true</c>.</summary>
    public string SmtpOnBehalfOfScope { get; set; } = ExchangeOnlineSmtpScope;
}

/// <summary>One OAuth2 client (<c>ImapOAuth:Clients:{name}</c>).</summary>
public sealed class ImapOAuthClientOptions
{
    /// <summary>Absolute https URL of the token endpoint (refresh-token grant).</summary>
    public string TokenEndpoint { get; set; } = "";
    public string ClientId { get; set; } = "";
    /// <summary>Optional for public clients. Never logged.</summary>
    public string? ClientSecret { get; set; }
    /// <summary>Optional space-separated scopes sent with the refresh (e.g. <c>https://mail.google.com/</c>).</summary>
    public string? Scope { get; set; }
    /// <summary><c>post</c> (client_secret_post, default) or <c>basic</c> (client_secret_basic).</summary>
    public string ClientAuthentication { get; set; } = "post";

    public override string ToString() => $"ImapOAuthClient({ClientId} @ {TokenEndpoint})";
}

/// <summary>Checks the clients at startup so a typo fails fast instead of at the first login.</summary>
internal sealed class ImapOAuthOptionsValidator : IValidateOptions<ImapOAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, ImapOAuthOptions options)
    {
        var failures = new List<string>();
        if (options.RefreshSkew < TimeSpan.Zero)
            failures.Add("ImapOAuth:RefreshSkew must not be negative.");
        if (options.TokenEndpointTimeout <= TimeSpan.Zero)
            failures.Add("ImapOAuth:TokenEndpointTimeout must be positive.");
        foreach (var (clientName, client) in options.Clients)
        {
            var prefix = $"ImapOAuth:Clients:{clientName}";
            if (!Uri.TryCreate(client.TokenEndpoint, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                failures.Add($"{prefix}:TokenEndpoint must be an absolute https URL.");
            else if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureTokenEndpoint)
                failures.Add($"{prefix}:TokenEndpoint must use https (set ImapOAuth:AllowInsecureTokenEndpoint=true only for tests).");
            if (string.IsNullOrWhiteSpace(client.ClientId))
                failures.Add($"{prefix}:ClientId is required.");
            if (!client.ClientAuthentication.Equals("post", StringComparison.OrdinalIgnoreCase)
                && !client.ClientAuthentication.Equals("basic", StringComparison.OrdinalIgnoreCase))
                failures.Add($"{prefix}:ClientAuthentication must be 'post' or 'basic'.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
