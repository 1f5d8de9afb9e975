using MailGateway.Api.Storage;
using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>A registered mailbox account as stored. <see cref="ProtectedSecret"/> is Data-Protection ciphertext and never leaves the server.</summary>
public sealed record Account : IStoredRecord
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string DisplayName { get; init; }
    public required string Email { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required ImapSecurity Security { get; init; }
    public required string Username { get; init; }
    public ImapAuthMechanism Mechanism { get; init; } = ImapAuthMechanism.Password;
    /// <summary>Encrypted password or OAuth material (JSON), never returned, never logged.</summary>
    public string? ProtectedSecret { get; init; }
    /// <summary>Changes whenever the credentials change.</summary>
    public required string CredentialStamp { get; init; }
    public string? PinnedKeySha256 { get; init; }
    public bool Disabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Submission server (null: the account cannot send).</summary>
    public AccountSmtp? Smtp { get; init; }
    /// <summary>Addresses besides <see cref="Email"/> the account may send as.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public ImapAccount ToImapAccount() =>
        new(Id, Host, Port, Security, Username, Mechanism, CredentialStamp, PinnedKeySha256, Email, OwnerId);
}

/// <summary>Account storage: Redis when <c>Redis:Configuration</c> is set, else in memory (<see cref="IRecordStore{T}"/>).</summary>
public interface IAccountStore : IRecordStore<Account>;
