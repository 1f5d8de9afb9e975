using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Owner isolation: a caller sees its own accounts; the <c>MailGateway.Admin</c> role sees all. An app-only caller
/// with an entry in <c>Authentication:AppAccountAllowList</c> (<c>[{ "Owner": "tid:…/oid:…", "AccountIds": [...] }]</c>)
/// is further limited to the listed account ids.</summary>
internal sealed class AccountAccess(IAccountStore store, IConfiguration configuration) : IAccountAccess
{
    private readonly Dictionary<string, HashSet<string>> _appAllowList = configuration.GetSection("Authentication:AppAccountAllowList")
        .Get<AppAccountRule[]>()?.Where(r => !string.IsNullOrEmpty(r.Owner))
        .ToDictionary(r => r.Owner!, r => r.AccountIds.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal) ?? [];

    public async Task<Account?> FindAsync(Caller caller, string accountId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(accountId) || accountId.Length > 128)
            return null;
        var account = await store.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
        return account is not null && MayUse(caller, account) ? account : null;
    }

    public async Task<IReadOnlyList<Account>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        var accounts = caller.IsAdmin
            ? await store.ListAllAsync(cancellationToken).ConfigureAwait(false)
            : await store.ListByOwnerAsync(caller.OwnerId, cancellationToken).ConfigureAwait(false);
        return [.. accounts.Where(a => MayUse(caller, a))];
    }

    private bool MayUse(Caller caller, Account account)
    {
        if (!caller.IsAdmin && account.OwnerId != caller.OwnerId)
            return false;
        return !caller.IsApp || !_appAllowList.TryGetValue(caller.OwnerId, out var allowed) || allowed.Contains(account.Id);
    }

    private sealed class AppAccountRule
    {
        public string? Owner { get; set; }
        public List<string> AccountIds { get; set; } = [];
    }
}
