using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Mailboxes;

/// <summary>A mailbox (folder) with its counters. <see cref="Id"/> encodes the path, so a rename changes it.</summary>
public sealed record MailboxDto(
    string Id,
    string Path,
    string Name,
    string? Delimiter,
    string? SpecialUse,
    bool Subscribed,
    int Total,
    int Unseen,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq)
{
    public static MailboxDto From(MailboxInfo m) => new(
        ResourceIds.Mailbox(m.Path), m.Path, m.Name, m.Delimiter?.ToString(), m.SpecialUse, m.Subscribed,
        m.Total, m.Unseen, m.UidValidity, m.UidNext, m.HighestModSeq);
}

/// <summary>Body of <c>POST .../mailboxes</c>: either a full <see cref="Path"/>, or <see cref="ParentId"/> (optional) and <see cref="Name"/>.</summary>
public sealed record CreateMailboxRequest(string? Path = null, string? ParentId = null, string? Name = null);

/// <summary>Body of <c>PATCH .../mailboxes/{mailboxId}</c>: rename (new <see cref="Name"/> under the same parent, or a new full <see cref="Path"/>) and/or (un)subscribe.</summary>
public sealed record UpdateMailboxRequest(string? Name = null, string? Path = null, bool? Subscribed = null);
