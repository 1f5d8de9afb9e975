using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http.HttpResults;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

internal static partial class AccountsApi
{
    public static async Task<Results<Created<AccountResponse>, ProblemHttpResult>> CreateAccount(
        CreateAccountRequest request, ClaimsPrincipal user, HttpResponse response, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = AccountValidation.Validate(request, out var security, out var mechanism);
        if (errors.Count > 0)
            return ApiProblems.ValidationFailed(errors);

        var caller = Caller.From(user);
        var imap = request.Imap!;
        var (secret, grantRefused) = await SecretFromAsync(imap.Password, imap.OAuth, user, response, services, cancellationToken).ConfigureAwait(false);
        if (grantRefused is not null)
            return grantRefused;
        var now = services.Time.GetUtcNow();
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
            ProtectedSecret = services.Protector.Protect(secret),
            CredentialStamp = NewStamp(),
            PinnedKeySha256 = string.IsNullOrWhiteSpace(imap.PinnedKeySha256) ? null : imap.PinnedKeySha256.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (await VerifyAsync(account, secret, response, services, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            await services.SecurityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
            return refused;
        }
        var (withSmtp, smtpRefused) = await Sending.SmtpAccountSettings.ApplyAsync(account, request.Smtp, request.Aliases, secret, response, cancellationToken).ConfigureAwait(false);
        if (smtpRefused is not null)
        {
            await services.SecurityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
            return smtpRefused;
        }
        account = withSmtp;
        await services.Store.SaveAsync(account, cancellationToken).ConfigureAwait(false);
        AccountsLog.Registered(services.Logger, account.Id, account.OwnerId, account.Host, account.Port);
        return TypedResults.Created($"/api/v1/accounts/{account.Id}", AccountResponse.From(account, services.Pool.GetStatus(account.Id)));
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> UpdateAccount(
        string accountId, UpdateAccountRequest request, ClaimsPrincipal user, HttpResponse response, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var account = await services.Access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
            return ApiProblems.AccountNotFound();
        var errors = AccountValidation.Validate(request, account, out var mechanism);
        if (errors.Count > 0)
            return ApiProblems.ValidationFailed(errors);

        var updated = account with
        {
            DisplayName = request.DisplayName?.Trim() ?? account.DisplayName,
            Disabled = request.Disabled ?? account.Disabled,
            UpdatedAt = services.Time.GetUtcNow(),
        };
        var credentialsChanged = request.Password is not null || request.OAuth is not null;
        StoredSecret? newSecret = null;
        if (credentialsChanged)
        {
            var (secret, grantRefused) = await SecretFromAsync(request.Password, request.OAuth, user, response, services, cancellationToken).ConfigureAwait(false);
            if (grantRefused is not null)
                return grantRefused;
            updated = updated with { Mechanism = mechanism, ProtectedSecret = services.Protector.Protect(secret), CredentialStamp = NewStamp() };
            if (await VerifyAsync(updated, secret, response, services, cancellationToken).ConfigureAwait(false) is { } refused)
                return refused;
            newSecret = secret;
        }
        if (request.Smtp is not null || request.Aliases is not null)
        {
            var (withSmtp, smtpRefused) = await Sending.SmtpAccountSettings.ApplyAsync(updated, request.Smtp, request.Aliases, newSecret, response, cancellationToken).ConfigureAwait(false);
            if (smtpRefused is not null)
                return smtpRefused;
            updated = withSmtp;
        }

        await services.Store.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        if (credentialsChanged || updated.Disabled != account.Disabled)
            await services.Pool.ResetAsync(account.Id, cancellationToken).ConfigureAwait(false);
        AccountsLog.Updated(services.Logger, account.Id, credentialsChanged, updated.Disabled);
        return TypedResults.Ok(AccountResponse.From(updated, services.Pool.GetStatus(account.Id)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccount(
        string accountId, ClaimsPrincipal user, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var account = await services.Access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        if (account is null || !await services.Store.DeleteAsync(account.Id, cancellationToken).ConfigureAwait(false))
            return ApiProblems.AccountNotFound();
        await services.Pool.ResetAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        await services.SecurityLog.DeleteAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        await services.OAuthGrants.ForgetAsync(account.Id, CancellationToken.None).ConfigureAwait(false);
        AccountsLog.Removed(services.Logger, account.Id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> ResetAccount(
        string accountId, ClaimsPrincipal user, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var account = await services.Access.FindAsync(Caller.From(user), accountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
            return ApiProblems.AccountNotFound();
        await services.Pool.ResetAsync(account.Id, cancellationToken).ConfigureAwait(false);
        AccountsLog.Reset(services.Logger, account.Id);
        return TypedResults.Ok(AccountResponse.From(account, services.Pool.GetStatus(account.Id)));
    }

    /// <summary>Logs in once with the offered secret; null when it worked, else the problem to answer.</summary>
    private static async Task<ProblemHttpResult?> VerifyAsync(Account account, StoredSecret secret, HttpResponse response, AccountServices services, CancellationToken cancellationToken)
    {
        using var offer = services.Pending.Offer(account.Id, account.CredentialStamp, secret);
        try
        {
            await services.Pool.VerifyAsync(account.ToImapAccount(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ImapAuthenticationException e)
        {
            return Refused(account, services, ApiProblems.Unprocessable("imap_auth_failed", "The IMAP server rejected the credentials.", e.Message));
        }
        catch (ImapPolicyException e)
        {
            return Refused(account, services, ApiProblems.Unprocessable(e.Code, "The IMAP account configuration is not allowed.", e.Message));
        }
        catch (ImapUnavailableException e)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Refused(account, services, ApiProblems.Create(StatusCodes.Status502BadGateway, "imap_unavailable", "The IMAP server could not be reached.", e.Message));
        }
    }

    private static ProblemHttpResult Refused(Account account, AccountServices services, ProblemHttpResult problem)
    {
        AccountsLog.VerificationRefused(services.Logger, account.OwnerId, account.Host, account.Port,
            problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() ?? "" : "");
        return problem;
    }

    private static StoredSecret SecretFrom(string? password, OAuthSettingsRequest? oauth) => oauth is null
        ? new StoredSecret(Password: password)
        : new StoredSecret(AccessToken: oauth.AccessToken, RefreshToken: oauth.RefreshToken, ExpiresAt: oauth.ExpiresAt);

    internal static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));

    private static string NewStamp() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));
}
