using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Where an account keeps a secret: its IMAP credentials, or the <c>smtp</c> block's own (<c>smtp.password</c> /
/// <c>smtp.oauth</c>). The OAuth token cache key, the credential stamp a cached token belongs to and the save-back of a
/// rotated refresh token all go through the slot, so both grants share one refresh path without sharing tokens.</summary>
internal sealed class GrantSlot
{
    private readonly Func<Account, string?> _stamp;
    private readonly Func<Account, string?> _secret;
    private readonly Func<Account, string, Account> _withSecret;

    private GrantSlot(string name, Func<Account, string?> stamp, Func<Account, string?> secret, Func<Account, string, Account> withSecret)
    {
        Name = name;
        _stamp = stamp;
        _secret = secret;
        _withSecret = withSecret;
    }

    public static readonly GrantSlot Imap = new("imap", a => a.CredentialStamp, a => a.ProtectedSecret, (a, s) => a with { ProtectedSecret = s });

    public static readonly GrantSlot Smtp = new("smtp", a => a.Smtp?.Stamp ?? a.CredentialStamp, a => a.Smtp?.ProtectedSecret,
        (a, s) => a.Smtp is null ? a : a with { Smtp = a.Smtp with { ProtectedSecret = s } });

    /// <summary>Every slot, for clean-up when an account is removed.</summary>
    public static IReadOnlyList<GrantSlot> All { get; } = [Imap, Smtp];

    public string Name { get; }

    /// <summary>Key of the slot's cached access token and refresh lock (the IMAP one keeps the historical bare account id).</summary>
    public string CacheKey(string accountId) => ReferenceEquals(this, Imap) ? accountId : $"{accountId}:{Name}";

    /// <summary>Changes whenever this slot's credentials change.</summary>
    public string? StampOf(Account account) => _stamp(account);

    /// <summary>The slot's Data Protection ciphertext, or null when it has none.</summary>
    public string? SecretOf(Account account) => _secret(account);

    public Account WithSecret(Account account, string protectedSecret) => _withSecret(account, protectedSecret);

    public override string ToString() => Name;
}
