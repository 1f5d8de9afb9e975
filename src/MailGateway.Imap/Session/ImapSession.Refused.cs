using MailGateway.Imap.Mime;
using MailGateway.Imap.Pooling;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Session;

/// <summary>
/// Summaries when MailKit refuses a server's answer (issue 16 item 2: a BODYSTRUCTURE string over 4 KiB sent as a
/// literal). The refusal costs the connection (MailKit drops it) and <see cref="RunAsync{T}"/> runs the operation again.
/// The retry fetches the page with the safe request (UID, flags, dates, size, header fields: always parsable) to know its
/// messages, then the full request again for every message but the refused one, on a fresh connection each time one
/// more is refused (at most <see cref="MaxRefusals"/>). Only refused messages are listed unparsable, with what the safe
/// request gave; the others keep their whole summaries. The first attempt costs nothing extra: it only records.
/// </summary>
internal sealed partial class ImapSession
{
    /// <summary>Refusals worked around in one operation (each costs a reconnect); past them the rest is listed unparsable.</summary>
    private const int MaxRefusals = 8;

    /// <summary>What the attempt MailKit refused had parsed, kept for the retry.</summary>
    private FetchRecorder? _firstAttempt;

    /// <summary>Fetched summaries with the client and folder they came from (a refusal reconnects), and the UIDs that
    /// could only be summarised with the safe request.</summary>
    private sealed record SummaryBatch(ImapClient Client, IMailFolder Folder, IList<IMessageSummary> Items, IReadOnlySet<uint> Unparsable);

    /// <param name="fetch">The page's FETCH with a given request (a sequence range or UIDs).</param>
    /// <param name="requested">The UIDs <paramref name="fetch"/> names, when it names them.</param>
    private async Task<SummaryBatch> FetchSummariesAsync(ImapClient client, IMailFolder folder, string mailbox,
        Func<IMailFolder, FetchRequest, Task<IList<IMessageSummary>>> fetch, IReadOnlyCollection<uint>? requested, CancellationToken cancellationToken)
    {
        if (!_safeSummaries)
        {
            using var recorder = _firstAttempt = new FetchRecorder(folder, mailbox, requested);
            return new SummaryBatch(client, folder, await fetch(folder, SummaryRequest(client)).ConfigureAwait(false), new HashSet<uint>());
        }

        var basics = await fetch(folder, SummaryFetch.SafeRequest(client.Capabilities)).ConfigureAwait(false);
        var uidValidity = folder.UidValidity;
        var pending = basics.Where(b => b.UniqueId.IsValid).Select(b => b.UniqueId.Id).Distinct().Order().ToList();
        var whole = new Dictionary<uint, IMessageSummary>();
        var refused = new HashSet<uint>();
        if (_firstAttempt is { } first && first.Mailbox == mailbox && first.UidValidity == uidValidity)
            Settle(first, pending, whole, refused);
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxRefusals)
            {
                refused.UnionWith(pending);
                break;
            }
            using var recorder = new FetchRecorder(folder, mailbox, [.. pending]);
            try
            {
                foreach (var m in await folder.FetchAsync(UidSet(pending), SummaryRequest(client), cancellationToken).ConfigureAwait(false))
                    if (m.UniqueId.IsValid && m.Headers is not null) whole[m.UniqueId.Id] = m;
                break;
            }
            catch (Exception ex) when (ImapErrors.IsUnparsable(ex))
            {
                Settle(recorder, pending, whole, refused);
                DropConnection();
                client = await ClientAsync(mailbox, cancellationToken).ConfigureAwait(false);
                folder = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
                if (folder.UidValidity != uidValidity)
                    throw new ImapUnavailableException("The mailbox changed identity while its page was read.", TimeSpan.FromSeconds(1));
            }
        }
        var unparsable = basics.Where(b => b.UniqueId.IsValid && !whole.ContainsKey(b.UniqueId.Id)).Select(b => b.UniqueId.Id).ToHashSet();
        _pool.AnswersRefused(_account.Id, unparsable.Count, basics.Count);
        IList<IMessageSummary> items = [.. basics.Select(b => b.UniqueId.IsValid && whole.TryGetValue(b.UniqueId.Id, out var w) ? w : b)];
        return new SummaryBatch(client, folder, items, unparsable);
    }

    /// <summary>After a refused FETCH: keeps what it parsed, names the refused message, and leaves the rest pending.</summary>
    private static void Settle(FetchRecorder recorder, List<uint> pending, Dictionary<uint, IMessageSummary> whole, HashSet<uint> refused)
    {
        foreach (var (uid, m) in recorder.Parsed)
            if (pending.Contains(uid)) whole[uid] = m;
        var culprit = recorder.Refused(pending);
        pending.RemoveAll(whole.ContainsKey);
        if (culprit is not { } refusedUid) return;
        refused.Add(refusedUid);
        pending.Remove(refusedUid);
    }
}
