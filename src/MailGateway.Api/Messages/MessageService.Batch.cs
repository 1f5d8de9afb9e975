using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

public sealed partial class MessageService
{
    /// <summary>
    /// Applies one action to up to 1,000 ids with one IMAP call per (mailbox, UIDVALIDITY) group; answers per id.
    /// A missing destination fails the whole request (404 mailbox_not_found); everything else is per id.
    /// </summary>
    public async Task<BatchResponse> BatchAsync(Caller caller, string accountId, BatchRequest request, CancellationToken cancellationToken)
    {
        var action = BatchPlan.ParseAction(request.Action);
        var plan = BatchPlan.Create(request.Ids);
        var change = FlagChanges.From(request.Seen, request.Flagged, request.Answered, request.Draft, request.AddFlags, request.RemoveFlags);
        if (action == BatchAction.Update && FlagChanges.IsEmpty(change)) throw MailApiException.Validation("update needs at least one flag change.");
        var destination = action is BatchAction.Move or BatchAction.Copy ? Ids.TargetMailbox(request.MailboxId) : null;

        var outcomes = new Dictionary<MessageRef, BatchOutcome>();
        await using var session = await access.OpenAsync(caller, accountId, cancellationToken);
        if (destination is not null) await session.GetMailboxAsync(destination, cancellationToken);

        ImapUnavailableException? unavailable = null;
        var failedGroups = 0;
        foreach (var group in plan.Groups)
        {
            void All(string error) { foreach (var uid in group.Uids) outcomes[new(group.Mailbox, group.UidValidity, uid)] = new(error); }
            try
            {
                await RunGroupAsync(session, group, action, change, destination, request.Permanent == true, outcomes, cancellationToken);
            }
            catch (StaleMessageException) { All("stale_message_id"); }
            catch (MailboxNotFoundException) { All("message_not_found"); }
            catch (ImapOperationException) { All("imap_operation_failed"); }
            catch (ImapUnavailableException e)
            {
                unavailable ??= e;
                failedGroups++;
                All("imap_unavailable");
            }
        }
        // Nothing was done at all: answer the upstream failure as such (503 with Retry-After).
        if (unavailable is not null && failedGroups == plan.Groups.Count) throw unavailable;
        return new BatchResponse(plan.Answer(outcomes));
    }

    private static async Task RunGroupAsync(IImapSession session, BatchGroup group, BatchAction action, FlagChange change,
        string? destination, bool permanent, Dictionary<MessageRef, BatchOutcome> outcomes, CancellationToken cancellationToken)
    {
        MessageRef Ref(uint uid) => new(group.Mailbox, group.UidValidity, uid);
        switch (action)
        {
            case BatchAction.Update:
                var changed = (await session.UpdateFlagsAsync(group.Mailbox, group.UidValidity, group.Uids, change, cancellationToken)).ToHashSet();
                var unknown = group.Uids.Where(u => !changed.Contains(u)).ToList();
                if (unknown.Count > 0)
                {
                    // Messages whose flags already were as asked are not "changed" but exist: they succeeded too.
                    var existing = await session.GetSummariesAsync(group.Mailbox, group.UidValidity, unknown, cancellationToken);
                    changed.UnionWith(existing.Select(s => s.Uid));
                }
                foreach (var uid in group.Uids) outcomes[Ref(uid)] = changed.Contains(uid) ? BatchOutcome.Ok : new("message_not_found");
                break;
            case BatchAction.Delete:
                var deleted = (await session.DeleteAsync(group.Mailbox, group.UidValidity, group.Uids, permanent, cancellationToken)).ToHashSet();
                foreach (var uid in group.Uids) outcomes[Ref(uid)] = deleted.Contains(uid) ? BatchOutcome.Ok : new("message_not_found");
                break;
            default:
                var mappings = action == BatchAction.Move
                    ? await session.MoveAsync(group.Mailbox, group.UidValidity, group.Uids, destination!, cancellationToken)
                    : await session.CopyAsync(group.Mailbox, group.UidValidity, group.Uids, destination!, cancellationToken);
                var bySource = mappings.DistinctBy(m => m.SourceUid).ToDictionary(m => m.SourceUid);
                foreach (var uid in group.Uids)
                {
                    outcomes[Ref(uid)] = !bySource.TryGetValue(uid, out var m) ? new("message_not_found")
                        : new(null, m.NewUid is { } n ? ResourceIds.Message(new MessageRef(destination!, m.NewUidValidity, n)) : null);
                }
                break;
        }
    }
}
