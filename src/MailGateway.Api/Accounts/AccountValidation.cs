using System.Net.Mail;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Checks request bodies; every problem goes into a field → messages map (400 <c>validation_failed</c>).</summary>
internal static class AccountValidation
{
    public const int MaxTextLength = 320;
    public const int MaxSecretLength = 16 * 1024;

    public static Dictionary<string, string[]> Validate(CreateAccountRequest request, out ImapSecurity security, out ImapAuthMechanism mechanism)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        security = ImapSecurity.Tls;
        mechanism = ImapAuthMechanism.Password;
        Text(errors, "displayName", request.DisplayName, required: true);
        if (Text(errors, "email", request.Email, required: true) && !MailAddress.TryCreate(request.Email, out _))
            errors["email"] = ["Must be an email address."];
        var imap = request.Imap;
        if (imap is null)
        {
            errors["imap"] = ["Required."];
            return errors;
        }
        if (Text(errors, "imap.host", imap.Host, required: true) && Uri.CheckHostName(imap.Host) == UriHostNameType.Unknown)
            errors["imap.host"] = ["Must be a host name or an IP address."];
        if (imap.Port is null or < 1 or > 65535)
            errors["imap.port"] = ["Required, 1-65535."];
        if (!TryParseSecurity(imap.Security, out security))
            errors["imap.security"] = ["Must be tls, starttls or none."];
        Text(errors, "imap.username", imap.Username, required: true);
        if (imap.Password is not null && imap.OAuth is not null)
            errors["imap"] = ["Give either password or oauth, not both."];
        else if (imap.OAuth is not null)
            ValidateOAuth(errors, "imap.oauth", imap.OAuth, out mechanism);
        else if (string.IsNullOrEmpty(imap.Password))
            errors["imap.password"] = ["Required (or give oauth)."];
        else if (imap.Password.Length > MaxSecretLength)
            errors["imap.password"] = ["Too long."];
        return errors;
    }

    public static Dictionary<string, string[]> Validate(UpdateAccountRequest request, Account account, out ImapAuthMechanism mechanism)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        mechanism = account.Mechanism;
        if (request.DisplayName is not null)
            Text(errors, "displayName", request.DisplayName, required: true);
        if (request.Password is not null && request.OAuth is not null)
            errors["password"] = ["Give either password or oauth, not both."];
        else if (request.Password is not null)
        {
            mechanism = ImapAuthMechanism.Password;
            if (request.Password.Length is 0 or > MaxSecretLength)
                errors["password"] = ["Must not be empty or too long."];
        }
        else if (request.OAuth is not null)
            ValidateOAuth(errors, "oauth", request.OAuth, out mechanism);
        return errors;
    }

    public static bool TryParseSecurity(string? value, out ImapSecurity security)
    {
        security = ImapSecurity.Tls;
        switch (value?.ToLowerInvariant())
        {
            case null or "tls" or "ssl" or "imaps": return true;
            case "starttls": security = ImapSecurity.StartTls; return true;
            case "none" or "plain": security = ImapSecurity.None; return true;
            default: return false;
        }
    }

    public static void ValidateOAuth(Dictionary<string, string[]> errors, string field, OAuthSettingsRequest oauth, out ImapAuthMechanism mechanism)
    {
        mechanism = ImapAuthMechanism.XOAuth2;
        switch (oauth.Mechanism?.ToLowerInvariant())
        {
            case null or "xoauth2": break;
            case "oauthbearer": mechanism = ImapAuthMechanism.OAuthBearer; break;
            default: errors[field + ".mechanism"] = ["Must be xoauth2 or oauthbearer."]; break;
        }
        if (string.IsNullOrEmpty(oauth.AccessToken) && string.IsNullOrEmpty(oauth.RefreshToken) && oauth.OnBehalfOf != true)
            errors[field + ".accessToken"] = ["Give an access token, a refresh token (with client, or with Accounts:OAuth configured), or onBehalfOf: true."];
        else if ((oauth.AccessToken?.Length ?? 0) > MaxSecretLength || (oauth.RefreshToken?.Length ?? 0) > MaxSecretLength)
            errors[field + ".accessToken"] = ["Too long."];
    }

    private static bool Text(Dictionary<string, string[]> errors, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
                errors[field] = ["Required."];
            return false;
        }
        if (value.Length > MaxTextLength)
        {
            errors[field] = [$"At most {MaxTextLength} characters."];
            return false;
        }
        return true;
    }
}
