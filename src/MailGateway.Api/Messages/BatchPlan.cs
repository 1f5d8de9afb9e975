using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

public enum BatchAction
{
    Update,
    Move,
    Copy,
    Delete,
}

/// <summary>The UIDs of one (mailbox, UIDVALIDITY): one IMAP call each.</summary>
public sealed record BatchGroup(string Mailbox, uint UidValidity, IReadOnlyList<uint> Uids);

/// <summary>
/// A batch request checked and grouped: ids decoded, duplicates folded, UIDs grouped by mailbox and
/// UIDVALIDITY so the IMAP layer gets one UID set per group.
/// </summary>
public sealed class BatchPlan
{
    public const int MaxIds = 1000;

    private BatchPlan(IReadOnlyList<string> ids, IReadOnlyList<MessageRef?> refs, IReadOnlyList<BatchGroup> groups)
    {
        Ids = ids;
        Refs = refs;
        Groups = groups;
    }

    /// <summary>The ids in request order.</summary>
    public IReadOnlyList<string> Ids { get; }
    /// <summary>The decoded id at each position, null when it did not decode.</summary>
    public IReadOnlyList<MessageRef?> Refs { get; }
    public IReadOnlyList<BatchGroup> Groups { get; }

    /// <exception cref="MailApiException">validation_failed when there are no ids or more than <see cref="MaxIds"/>.</exception>
    public static BatchPlan Create(IReadOnlyList<string>? ids)
    {
        if (ids is not { Count: > 0 } || ids.Count > MaxIds)
            throw MailApiException.Validation($"ids must hold 1 to {MaxIds} message ids.");
        var refs = ids.Select(id => ResourceIds.TryParseMessage(id, out var m) ? m : (MessageRef?)null).ToList();
        var groups = refs.OfType<MessageRef>()
            .GroupBy(m => (m.Mailbox, m.UidValidity))
            .Select(g => new BatchGroup(g.Key.Mailbox, g.Key.UidValidity, g.Select(m => m.Uid).Distinct().Order().ToList()))
            .ToList();
        return new BatchPlan(ids, refs, groups);
    }

    public static BatchAction ParseAction(string? action) => action?.ToUpperInvariant() switch
    {
        "UPDATE" => BatchAction.Update,
        "MOVE" => BatchAction.Move,
        "COPY" => BatchAction.Copy,
        "DELETE" => BatchAction.Delete,
        _ => throw MailApiException.Validation("action must be one of update, move, copy, delete."),
    };

    /// <summary>Answers each id in request order from the per-message outcomes.</summary>
    public IReadOnlyList<BatchItemResult> Answer(IReadOnlyDictionary<MessageRef, BatchOutcome> outcomes) =>
        Ids.Select((id, i) => Refs[i] is not { } m ? new BatchItemResult(id, false, Error: "message_not_found")
            : outcomes.TryGetValue(m, out var o) ? new BatchItemResult(id, o.Error is null, o.NewId, o.Error)
            : new BatchItemResult(id, false, Error: "message_not_found")).ToList();
}

/// <summary>What happened to one message: <see cref="Error"/> null means success.</summary>
public readonly record struct BatchOutcome(string? Error, string? NewId = null)
{
    public static readonly BatchOutcome Ok = new(null);
}
