using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailGateway.Api.Messages;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Events;

/// <summary>Turns what a watcher saw into the public events, with deterministic ids.</summary>
public static class MailEventFactory
{
    // Like the REST answers: absent instead of null, so a message.created summary is the list item field for field.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static IEnumerable<MailEvent> Create(string accountId, MailboxChange change, DateTimeOffset now) => change switch
    {
        MailboxChange.MessagesAdded a => a.Messages.Select(m => Make(
            MailEventTypes.MessageCreated, accountId, now,
            new MessageCreatedData(ResourceIds.Mailbox(a.Mailbox), a.Mailbox, ResourceIds.Message(m.Ref), m.Uid, m.ToDto()),
            a.Mailbox, U(a.UidValidity), U(m.Uid))),
        MailboxChange.FlagsChanged f => [Updated(accountId, f, now)],
        MailboxChange.MessagesExpunged e => e.Uids.Select(uid => Make(
            MailEventTypes.MessageDeleted, accountId, now,
            new MessageDeletedData(ResourceIds.Mailbox(e.Mailbox), e.Mailbox, ResourceIds.Message(new MessageRef(e.Mailbox, e.UidValidity, uid)), uid),
            e.Mailbox, U(e.UidValidity), U(uid))),
        MailboxChange.MailboxCreated c => [Make(MailEventTypes.MailboxCreated, accountId, now,
            new MailboxEventData(ResourceIds.Mailbox(c.Mailbox), c.Mailbox), c.Mailbox, U(c.State.UidValidity))],
        MailboxChange.MailboxRenamed r => [Make(MailEventTypes.MailboxRenamed, accountId, now,
            new MailboxEventData(ResourceIds.Mailbox(r.NewMailbox), r.NewMailbox, ResourceIds.Mailbox(r.OldMailbox), r.OldMailbox),
            r.OldMailbox, r.NewMailbox, U(r.State.UidValidity))],
        MailboxChange.MailboxDeleted d => [Make(MailEventTypes.MailboxDeleted, accountId, now,
            new MailboxEventData(ResourceIds.Mailbox(d.Mailbox), d.Mailbox), d.Mailbox, U(d.UidValidity))],
        MailboxChange.UidValidityChanged v => [Make(MailEventTypes.MailboxReset, accountId, now,
            new MailboxResetData(ResourceIds.Mailbox(v.Mailbox), v.Mailbox, v.State.UidValidity, v.OldUidValidity),
            v.Mailbox, U(v.State.UidValidity))],
        // Connection events are about a moment, not a message: their id includes the time.
        MailboxChange.Connected c => [Make(MailEventTypes.AccountConnected, accountId, now,
            new AccountEventData(Mode: c.UsesNotify ? "notify" : "idle"), Stamp(now))],
        MailboxChange.AuthFailed f => [Make(MailEventTypes.AccountAuthFailed, accountId, now,
            new AccountEventData(Reason: f.Reason), Stamp(now))],
        MailboxChange.Disconnected d => [Make(MailEventTypes.AccountDisconnected, accountId, now,
            new AccountEventData(Reason: d.Reason, RetryInSeconds: (int)Math.Ceiling(d.RetryIn.TotalSeconds)), Stamp(now))],
        _ => [],
    };

    private static MailEvent Updated(string accountId, MailboxChange.FlagsChanged f, DateTimeOffset now)
    {
        bool Has(string flag) => f.Flags.Contains(flag, StringComparer.OrdinalIgnoreCase);
        var data = new MessageUpdatedData(ResourceIds.Mailbox(f.Mailbox), f.Mailbox,
            ResourceIds.Message(new MessageRef(f.Mailbox, f.UidValidity, f.Uid)), f.Uid, f.Flags,
            Has(@"\Seen"), Has(@"\Flagged"), Has(@"\Answered"), Has(@"\Draft"), f.ModSeq);
        return Make(MailEventTypes.MessageUpdated, accountId, now, data, f.Mailbox, U(f.UidValidity), U(f.Uid), f.ModSeq.ToString(CultureInfo.InvariantCulture));
    }

    private static MailEvent Make<T>(string type, string accountId, DateTimeOffset now, T data, params ReadOnlySpan<string> idParts) =>
        new(MailEventIds.For(type, accountId, idParts), type, now, accountId, JsonSerializer.SerializeToElement(data, Json));

    private static string U(uint value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset now) => now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
