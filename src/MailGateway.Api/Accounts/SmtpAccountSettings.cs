using System.Security.Claims;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Accounts;

/// <summary>Applies the <c>smtp</c> and <c>aliases</c> of an account create or PATCH (REST and GraphQL) and verifies the SMTP
/// login (EHLO, STARTTLS, AUTH; no MAIL): throws 422 <c>smtp_auth_failed</c>, 502 <c>smtp_unavailable</c>; the caller then
/// stores nothing. <c>smtp.password</c> or <c>smtp.oauth</c> give SMTP credentials of its own, else it uses the IMAP ones.</summary>
internal static class SmtpAccountSettings
{
    public const string AuthFailed = "smtp_auth_failed";
    public const string Unavailable = "smtp_unavailable";

    /// <param name="imapSecret">The IMAP secret being registered or changed (not stored yet), else null.</param>
    public static async Task<Account> ApplyAsync(Account account, SmtpSettingsRequest? smtp, IReadOnlyList<string>? aliases,
        StoredSecret? imapSecret, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (aliases is not null)
        {
            if (aliases.Count > 50 || aliases.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 320 || !a.Contains('@', StringComparison.Ordinal)
                || a.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';')))
                throw MailApiException.Validation("aliases must be at most 50 single addresses such as 'ann@example.com'.");
            account = account with { Aliases = [.. aliases.Select(a => a.Trim())] };
        }
        if (smtp is null)
            return account;

        var (settings, ownSecret) = await ParseAsync(smtp, user, services, cancellationToken).ConfigureAwait(false);
        account = account with { Smtp = settings };

        var pending = services.GetRequiredService<PendingCredentials>();
        using var imapOffer = imapSecret is not null ? pending.Offer(account.Id, account.CredentialStamp, imapSecret) : null;
        using var smtpOffer = ownSecret is null ? null : pending.Offer(account.Id, SmtpCredentialProvider.PendingPrefix + settings.Stamp, ownSecret);
        try
        {
            await services.GetRequiredService<ISmtpSender>().VerifyAsync(account.ToSmtpAccount()!, cancellationToken).ConfigureAwait(false);
            return account;
        }
        catch (SmtpAuthenticationException e)
        {
            throw MailApiException.Unprocessable(AuthFailed, "The SMTP server rejected the credentials.", e.Message);
        }
        catch (ImapPolicyException e)
        {
            throw MailApiException.Unprocessable(e.Code, "The SMTP server configuration is not allowed.", e.Message);
        }
        catch (Exception e) when (e is SmtpUnavailableException or ImapUnavailableException or ImapAuthenticationException)
        {
            var retry = e is SmtpUnavailableException u ? u.RetryAfter : TimeSpan.FromSeconds(30);
            throw MailApiException.BadGateway(Unavailable, "The SMTP server could not be reached.", e.Message, retry);
        }
    }

    /// <summary>Validates the block and builds the stored settings; an own secret is encrypted here, a grant obtained first.</summary>
    private static async Task<(AccountSmtp Settings, StoredSecret? OwnSecret)> ParseAsync(SmtpSettingsRequest smtp, ClaimsPrincipal user,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        var security = (smtp.Security ?? (smtp.Port == 465 ? "tls" : "starttls")).Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(smtp.Host) || smtp.Host.Length > 255 || smtp.Port is not (>= 1 and <= 65535) || security is not ("tls" or "starttls")
            || smtp.Username is { Length: 0 or > 320 } || smtp.Password is { Length: 0 or > 4096 })
            throw MailApiException.Validation("smtp needs host, port 1-65535 and security tls or starttls (no plaintext); username and password are optional.");

        var mechanism = ImapAuthMechanism.Password;
        if (smtp.OAuth is { } oauth)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (smtp.Password is not null)
                errors["smtp"] = ["Give either password or oauth, not both."];
            AccountValidation.ValidateOAuth(errors, "smtp.oauth", oauth, out mechanism);
            if (errors.Count > 0)
                throw MailApiException.ValidationFailed(errors);
        }
        StoredSecret? own = smtp.OAuth is not null
            ? await AccountSecrets.FromAsync(services.GetRequiredService<IImapOAuthGrants>(), null, smtp.OAuth, user, GrantSlot.Smtp, "smtp.oauth", AuthFailed, Unavailable, cancellationToken)
                .ConfigureAwait(false)
            : smtp.Password is not null ? new StoredSecret(Password: smtp.Password) : null;
        var settings = new AccountSmtp(smtp.Host.Trim(), smtp.Port.Value, security == "tls" ? SmtpSecurity.Tls : SmtpSecurity.StartTls,
            string.IsNullOrWhiteSpace(smtp.Username) ? null : smtp.Username,
            own is null ? null : services.GetRequiredService<CredentialProtector>().Protect(own), mechanism, Guid.NewGuid().ToString("N"));
        return (settings, own);
    }
}
