using MailGateway.Imap.Mime;

namespace MailGateway.Imap;

/// <summary>
/// The messages whose FETCH answer MailKit refused (issue 16 items 1–2), remembered by the watcher across reconnects
/// (each refusal costs the watch connection). A refusal on a named UID set blames its message at once; one on a UID
/// range leaves a suspicion (the first message after the last one parsed) that the next safe fetch of the range turns
/// into a UID. After <see cref="MaxInARow"/> refusals without a sync in between, the rest of the batch is announced
/// unparsable without trying again, so many broken messages cost a bounded number of reconnects.
/// </summary>
internal sealed class RefusedMessages
{
    public const int MaxInARow = 8;

    /// <summary>UIDs remembered per mailbox at most (older entries are forgotten).</summary>
    private const int MaxPerMailbox = 4096;

    private readonly Dictionary<(string Path, uint UidValidity), SortedSet<uint>> _refused = [];
    private (string Path, uint UidValidity, uint From, uint After)? _suspicion;
    private int _inARow;

    /// <summary>True when a refusal since the last sync says: take no risk, announce what is left as it is.</summary>
    public bool GiveUp => _inARow >= MaxInARow;

    public bool IsRefused(string path, uint uidValidity, uint uid) => _refused.TryGetValue((path, uidValidity), out var set) && set.Contains(uid);

    /// <summary>True when a refused (or suspected) message of the mailbox may be among UIDs from <paramref name="from"/> on.</summary>
    public bool Touches(string path, uint uidValidity, uint from) =>
        (_refused.TryGetValue((path, uidValidity), out var set) && set.Count > 0 && set.Max >= from)
        || _suspicion is { } s && s.Path == path && s.UidValidity == uidValidity;

    /// <summary>A FETCH of named UIDs was refused: blames the first of them after the last one parsed.</summary>
    public void Blame(string path, uint uidValidity, FetchRecorder recorder, IReadOnlyCollection<uint> requested)
    {
        _inARow++;
        if (recorder.Refused(requested) is { } uid) Add(path, uidValidity, uid);
    }

    /// <summary>A FETCH of the UID range from <paramref name="from"/> was refused: the culprit is named by <see cref="Resolve"/>.</summary>
    public void Suspect(string path, uint uidValidity, FetchRecorder recorder, uint from)
    {
        _inARow++;
        _suspicion = (path, uidValidity, from, recorder.Parsed.Count == 0 ? 0 : recorder.Parsed.Keys.Max());
    }

    /// <summary>With the UIDs a safe fetch listed from <paramref name="listedFrom"/> on, turns the suspicion on this
    /// mailbox into a refused UID. When the listing starts above the last UID parsed, the culprit may lie in between
    /// (a flag change of an older message): nobody is blamed, and the full fetch that follows names it precisely.</summary>
    public void Resolve(string path, uint uidValidity, uint listedFrom, IEnumerable<uint> listed)
    {
        if (_suspicion is not { } s || s.Path != path || s.UidValidity != uidValidity) return;
        _suspicion = null;
        if (listedFrom > Math.Max(s.From, s.After + 1)) return;
        var culprit = listed.Where(u => u >= s.From && u > s.After && !IsRefused(path, uidValidity, u)).Order().FirstOrDefault();
        if (culprit != 0) Add(path, uidValidity, culprit);
    }

    /// <summary>A sync completed: the count of refusals in a row starts over.</summary>
    public void Synced() => _inARow = 0;

    private void Add(string path, uint uidValidity, uint uid)
    {
        if (!_refused.TryGetValue((path, uidValidity), out var set)) _refused[(path, uidValidity)] = set = [];
        set.Add(uid);
        if (set.Count > MaxPerMailbox) set.Remove(set.Min);
    }
}
