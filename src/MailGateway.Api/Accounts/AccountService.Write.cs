using System.Security.Claims;
using MailGateway.Imap;
using MailGateway.Api.Shared;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Accounts;

internal sealed partial class AccountService
{
    public async Task<AccountResponse> CreateAsync(ClaimsPrincipal user, CreateAccountRequest request, CancellationToken cancellationToken)
    {
        var errors = AccountValidation.Validate(request, out var security, out var mechanism);
        if (errors.Count > 0)
            throw MailApiException.ValidationFailed(errors);

        var caller = Caller.From(user);
        var max = services.GetRequiredService<IOptions<AccountLimitsOptions>>().Value.MaxAccountsPerUser;
        if ((await store.ListByOwnerAsync(caller.OwnerId, cancellationToken).ConfigureAwait(false)).Count >= max)
            throw AccountLimitsOptions.LimitReached(max);
        var imap = request.Imap!;
        var secret = await SecretFromAsync(imap.Password, imap.OAuth, user, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var account = new Account
        {
            Id = NewId(),
            OwnerId = caller.OwnerId,
            DisplayName = request.DisplayName!.Trim(),
            Email = request.Email!.Trim(),
            Host = imap.Host!.Trim(),
            Port = imap.Port!.Value,
            Security = security,
            Username = imap.Username!,
            Mechanism = mechanism,
            ProtectedSecret = protector.Protect(secret),
            CredentialStamp = NewStamp(),
            PinnedKeySha256 = string.IsNullOrWhiteSpace(imap.PinnedKeySha256) ? null : imap.PinnedKeySha256.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await VerifyAsync(account, secret, cancellationToken).ConfigureAwait(false);
            account = await SmtpAccountSettings.ApplyAsync(account, request.Smtp, request.Aliases, secret, user, services, cancellationToken).ConfigureAwait(false);
        }
        catch (MailApiException)
        {
            await securityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        // The cap is checked again in the same atomic step as the write: concurrent registrations all passed the early
        // check while they waited on IMAP and SMTP, and must not pass the cap together.
        if (!await store.CreateAsync(account, max, cancellationToken).ConfigureAwait(false))
        {
            await securityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
            throw AccountLimitsOptions.LimitReached(max);
        }
        AccountsLog.Registered(logger, account.Id, account.OwnerId, account.Host, account.Port);
        return Response(account);
    }

    public async Task<AccountResponse> UpdateAsync(ClaimsPrincipal user, string accountId, UpdateAccountRequest request, CancellationToken cancellationToken)
    {
        var account = await RequireAsync(user, accountId, cancellationToken).ConfigureAwait(false);
        var errors = AccountValidation.Validate(request, account, out var mechanism);
        if (errors.Count > 0)
            throw MailApiException.ValidationFailed(errors);

        var updated = account with
        {
            DisplayName = request.DisplayName?.Trim() ?? account.DisplayName,
            Disabled = request.Disabled ?? account.Disabled,
            UpdatedAt = time.GetUtcNow(),
        };
        var credentialsChanged = request.Password is not null || request.OAuth is not null;
        StoredSecret? newSecret = null;
        if (credentialsChanged)
        {
            newSecret = await SecretFromAsync(request.Password, request.OAuth, user, cancellationToken).ConfigureAwait(false);
            updated = updated with { Mechanism = mechanism, ProtectedSecret = protector.Protect(newSecret), CredentialStamp = NewStamp() };
            await VerifyAsync(updated, newSecret, cancellationToken).ConfigureAwait(false);
        }
        if (request.Smtp is not null || request.Aliases is not null)
            updated = await SmtpAccountSettings.ApplyAsync(updated, request.Smtp, request.Aliases, newSecret, user, services, cancellationToken).ConfigureAwait(false);

        // Field-level compare-and-set: the verifications above wait on IMAP, SMTP or a token endpoint; a delete, a disable
        // or a rotated refresh token stored meanwhile must not be undone by writing back the record read before them.
        var saved = await store.UpdateAsync(account.Id, current => Changes(current, updated, request, credentialsChanged), cancellationToken)
            .ConfigureAwait(false) ?? throw MailApiException.AccountNotFound();
        if (credentialsChanged || saved.Disabled != account.Disabled)
            await connections.CloseEverywhereAsync(account.Id, cancellationToken).ConfigureAwait(false);
        AccountsLog.Updated(logger, account.Id, credentialsChanged, saved.Disabled);
        return Response(saved);
    }

    /// <summary>The fields a PATCH asked for, applied to the record as it is now; the others stay as they are.</summary>
    private static Account Changes(Account current, Account updated, UpdateAccountRequest request, bool credentialsChanged) => current with
    {
        DisplayName = request.DisplayName is null ? current.DisplayName : updated.DisplayName,
        Disabled = request.Disabled ?? current.Disabled,
        UpdatedAt = updated.UpdatedAt,
        Mechanism = credentialsChanged ? updated.Mechanism : current.Mechanism,
        ProtectedSecret = credentialsChanged ? updated.ProtectedSecret : current.ProtectedSecret,
        CredentialStamp = credentialsChanged ? updated.CredentialStamp : current.CredentialStamp,
        Smtp = request.Smtp is null ? current.Smtp : updated.Smtp,
        Aliases = request.Aliases is null ? current.Aliases : updated.Aliases,
    };

    /// <summary>Logs in once with the offered secret; throws the refusal to answer.</summary>
    private async Task VerifyAsync(Account account, StoredSecret secret, CancellationToken cancellationToken)
    {
        using var offer = pending.Offer(account.Id, account.CredentialStamp, secret);
        try
        {
            await pool.VerifyAsync(account.ToImapAccount(), cancellationToken).ConfigureAwait(false);
        }
        catch (ImapAuthenticationException e)
        {
            throw Refused(account, MailApiException.Unprocessable(ErrorCodes.ImapAuthFailed, "The IMAP server rejected the credentials.", e.Message));
        }
        catch (ImapPolicyException e)
        {
            throw Refused(account, MailApiException.Unprocessable(e.Code, "The IMAP account configuration is not allowed.", e.Message));
        }
        catch (ImapUnavailableException e)
        {
            throw Refused(account, MailApiException.BadGateway(ErrorCodes.ImapUnavailable, "The IMAP server could not be reached.", e.Message, e.RetryAfter));
        }
    }

    private MailApiException Refused(Account account, MailApiException problem)
    {
        AccountsLog.VerificationRefused(logger, account.OwnerId, account.Host, account.Port, problem.Code);
        return problem;
    }

    private Task<StoredSecret> SecretFromAsync(string? password, OAuthSettingsRequest? oauth, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        AccountSecrets.FromAsync(oauthGrants, password, oauth, user, GrantSlot.Imap, "imap.oauth", ErrorCodes.ImapAuthFailed, ErrorCodes.ImapUnavailable, cancellationToken);
}
