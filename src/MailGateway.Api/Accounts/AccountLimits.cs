using System.ComponentModel.DataAnnotations;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Per-user caps on accounts (section <c>Accounts</c>), so one user cannot take the instance's IMAP capacity by
/// registering accounts without end.</summary>
public sealed class AccountLimitsOptions
{
    public const string Section = "Accounts";

    /// <summary>Accounts one user (owner key) may register: one more answers 409 <c>account_limit_reached</c>.</summary>
    [Range(1, 100_000)]
    public int MaxAccountsPerUser { get; set; } = 100;

    internal static MailApiException LimitReached(int max) => new(StatusCodes.Status409Conflict, "account_limit_reached",
        "This user has the most accounts allowed.", $"At most {max} accounts per user (Accounts:MaxAccountsPerUser); remove one first.");
}
