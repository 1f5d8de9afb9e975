using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

/// <summary>Applies the <c>smtp</c> and <c>aliases</c> of an account create or PATCH and verifies the SMTP login
/// (EHLO, STARTTLS, AUTH; no MAIL): throws 422 <c>smtp_auth_failed</c>, 502 <c>smtp_unavailable</c>; the caller then stores nothing.</summary>
internal static class SmtpAccountSettings
{
    /// <param name="imapSecret">The IMAP secret being registered or changed (not stored yet), else null.</param>
    public static async Task<Account> ApplyAsync(Account account, SmtpSettingsRequest? smtp,
        IReadOnlyList<string>? aliases, StoredSecret? imapSecret, IServiceProvider services, CancellationToken cancellationToken)
    {
        var protector = services.GetRequiredService<CredentialProtector>();
        var pending = services.GetRequiredService<PendingCredentials>();
        if (aliases is not null)
        {
            if (aliases.Count > 50 || aliases.Any(a => string.IsNullOrWhiteSpace(a) || a.Length > 320 || !a.Contains('@', StringComparison.Ordinal)
                || a.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';')))
                throw MailApiException.Validation("aliases must be at most 50 single addresses such as 'ann@example.com'.");
            account = account with { Aliases = [.. aliases.Select(a => a.Trim())] };
        }
        if (smtp is null)
            return account;

        var security = (smtp.Security ?? (smtp.Port == 465 ? "tls" : "starttls")).Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(smtp.Host) || smtp.Host.Length > 255 || smtp.Port is not (>= 1 and <= 65535) || security is not ("tls" or "starttls")
            || smtp.Username is { Length: 0 or > 320 } || smtp.Password is { Length: 0 or > 4096 })
            throw MailApiException.Validation("smtp needs host, port 1-65535 and security tls or starttls (no plaintext); username and password are optional.");
        account = account with
        {
            Smtp = new AccountSmtp(smtp.Host.Trim(), smtp.Port.Value, security == "tls" ? SmtpSecurity.Tls : SmtpSecurity.StartTls,
                string.IsNullOrWhiteSpace(smtp.Username) ? null : smtp.Username,
                smtp.Password is null ? null : protector.Protect(new StoredSecret(Password: smtp.Password))),
        };

        using var imapOffer = imapSecret is not null ? pending.Offer(account.Id, account.CredentialStamp, imapSecret) : null;
        using var smtpOffer = smtp.Password is null ? null
            : pending.Offer(account.Id, SmtpCredentialProvider.PendingPrefix + account.CredentialStamp, new StoredSecret(Password: smtp.Password));
        try
        {
            await services.GetRequiredService<ISmtpSender>().VerifyAsync(account.ToSmtpAccount()!, cancellationToken).ConfigureAwait(false);
            return account;
        }
        catch (SmtpAuthenticationException e)
        {
            throw MailApiException.Unprocessable("smtp_auth_failed", "The SMTP server rejected the credentials.", e.Message);
        }
        catch (ImapPolicyException e)
        {
            throw MailApiException.Unprocessable(e.Code, "The SMTP server configuration is not allowed.", e.Message);
        }
        catch (Exception e) when (e is SmtpUnavailableException or ImapUnavailableException or ImapAuthenticationException)
        {
            var retry = e is SmtpUnavailableException u ? u.RetryAfter : TimeSpan.FromSeconds(30);
            throw MailApiException.BadGateway("smtp_unavailable", "The SMTP server could not be reached.", e.Message, retry);
        }
    }
}
