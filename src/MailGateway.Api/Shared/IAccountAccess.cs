
namespace MailGateway.Api.Shared;

/// <summary>
/// The one place that decides whether a caller may use an account. Features (REST, GraphQL, SignalR,
/// webhooks) resolve accounts only through it, so per-user isolation has a single implementation.
/// </summary>
public interface IAccountAccess
{
    /// <summary>The account when it exists and the caller owns it (or is admin / an allowed app); otherwise null, answered as 404.</summary>
    Task<Account?> FindAsync(Caller caller, string accountId, CancellationToken cancellationToken = default);

    /// <summary>The caller's accounts (all accounts for an admin).</summary>
    Task<IReadOnlyList<Account>> ListAsync(Caller caller, CancellationToken cancellationToken = default);
}
