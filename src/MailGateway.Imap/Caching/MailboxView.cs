namespace MailGateway.Imap.Caching;

/// <summary>
/// The volatile part of one mailbox as this instance last proved it: its state, its UIDs (membership) and the flags
/// of the messages it has seen. Invariant: every change with a mod-sequence at or below the installed state's is
/// reflected here; newer changes may or may not be. So the view is current exactly when the server's state (one
/// STATUS) equals the installed state, and a CHANGEDSINCE State.HighestModSeq fetch brings it up to date.
/// </summary>
internal sealed class MailboxView(uint uidValidity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, FlagEntry> _flags = [];
    private MailboxState _state;
    private uint[]? _uids;

    public uint UidValidity { get; } = uidValidity;
    public long LastUsed { get; set; } = Environment.TickCount64;

    /// <summary>The UIDs (ascending) when the view was proven at exactly <paramref name="state"/>, else null.</summary>
    public uint[]? UidsAt(MailboxState state)
    {
        lock (_lock) return _uids is not null && _state == state ? _uids : null;
    }

    /// <summary>The last installed state and UIDs (null when there are none yet): the base for a delta.</summary>
    public (MailboxState State, uint[]? Uids) Snapshot()
    {
        lock (_lock) return (_state, _uids);
    }

    /// <summary>Installs membership proven at <paramref name="state"/>, unless a newer proof is installed already.</summary>
    public void Install(MailboxState state, uint[] uids)
    {
        lock (_lock)
        {
            if (_uids is not null && (state.HighestModSeq < _state.HighestModSeq || state.UidNext < _state.UidNext)) return;
            _state = state;
            _uids = uids;
            if (_flags.Count > uids.Length * 2 + 64)
            {
                var present = uids.ToHashSet();
                foreach (var gone in _flags.Keys.Where(u => !present.Contains(u)).ToList()) _flags.Remove(gone);
            }
        }
    }

    /// <summary>
    /// Applies the watcher's delta <paramref name="from"/> → <paramref name="to"/> (every arrival, flag change and
    /// expunge in between, flags merged separately) when the installed state lies within that range: the result then
    /// holds every change up to <paramref name="to"/>. False (nothing changed) when it does not.
    /// </summary>
    public bool Advance(MailboxState from, MailboxState to, IEnumerable<uint> added, IReadOnlySet<uint> removed)
    {
        lock (_lock)
        {
            if (_uids is null || _state.UidValidity != to.UidValidity || from.UidValidity != to.UidValidity) return false;
            if (_state.HighestModSeq < from.HighestModSeq || _state.UidNext < from.UidNext) return false;
            if (_state.HighestModSeq > to.HighestModSeq || _state.UidNext > to.UidNext) return false;
            var members = new SortedSet<uint>(_uids);
            members.UnionWith(added);
            members.ExceptWith(removed);
            _state = to;
            _uids = [.. members];
            foreach (var gone in removed) _flags.Remove(gone);
            return true;
        }
    }

    /// <summary>Records a message's flags as seen at <paramref name="modSeq"/>; an older observation never replaces a newer one.</summary>
    public void MergeFlags(uint uid, IReadOnlyList<string> flags, ulong modSeq)
    {
        lock (_lock)
        {
            if (_flags.TryGetValue(uid, out var known) && known.ModSeq > modSeq) return;
            _flags[uid] = new FlagEntry(flags, modSeq);
        }
    }

    public bool TryGetFlags(uint uid, out FlagEntry entry)
    {
        lock (_lock) return _flags.TryGetValue(uid, out entry);
    }

    /// <summary>Rough memory use: UID array plus flag entries.</summary>
    public long EstimatedBytes
    {
        get { lock (_lock) return 64 + (_uids?.Length ?? 0) * 4L + _flags.Count * 64L; }
    }
}

internal readonly record struct FlagEntry(IReadOnlyList<string> Flags, ulong ModSeq);
