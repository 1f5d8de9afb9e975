using MailKit;

namespace MailGateway.Imap.Mime;

/// <summary>
/// Keeps every summary MailKit finished parsing during one FETCH (<see cref="IMailFolder.MessageSummaryFetched"/>), so
/// that when MailKit refuses a later message's answer (a string literal over 4 KiB, issue 16 item 2) what came before it
/// is not lost, and the refused message can be named: servers answer a FETCH in ascending order, so it is the first
/// requested message after the last one parsed whole. Worst case (a server answering out of order) a message that was
/// fine is listed unparsable; never an error.
/// </summary>
internal sealed class FetchRecorder : IDisposable
{
    private readonly IMailFolder _folder;
    private readonly Dictionary<uint, IMessageSummary> _parsed = [];
    private readonly IReadOnlyCollection<uint>? _requested;

    /// <param name="requested">The UIDs asked for, when the FETCH named them (null for a sequence range).</param>
    public FetchRecorder(IMailFolder folder, string mailbox, IReadOnlyCollection<uint>? requested = null)
    {
        _folder = folder;
        Mailbox = mailbox;
        _requested = requested;
        UidValidity = folder.UidValidity;
        folder.MessageSummaryFetched += OnFetched;
    }

    public string Mailbox { get; }

    public uint UidValidity { get; }

    /// <summary>The messages answered whole (header fields and body structure), by UID.</summary>
    public IReadOnlyDictionary<uint, IMessageSummary> Parsed => _parsed;

    /// <summary>True when the full summary request was answered for this message (a refused one never is).</summary>
    public static bool IsWhole(IMessageSummary m) => m.UniqueId.IsValid && m.Headers is not null && m.Body is not null;

    /// <summary>The message whose answer was refused: the first of <paramref name="candidates"/> (asked for, not parsed)
    /// after the last one parsed; null when there is none.</summary>
    public uint? Refused(IEnumerable<uint> candidates)
    {
        var open = candidates.Where(u => !_parsed.ContainsKey(u) && (_requested is null || _requested.Contains(u))).Order().ToList();
        if (open.Count == 0) return null;
        var after = _parsed.Count == 0 ? 0 : _parsed.Keys.Max();
        return open.FirstOrDefault(u => u > after, open[0]);
    }

    private void OnFetched(object? sender, MessageSummaryFetchedEventArgs e)
    {
        if (IsWhole(e.Message)) _parsed[e.Message.UniqueId.Id] = e.Message;
    }

    public void Dispose() => _folder.MessageSummaryFetched -= OnFetched;
}
