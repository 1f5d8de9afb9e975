namespace MailGateway.Imap;

/// <summary>Pure comparison of the mailbox list as last known with the list as it is now.
/// A rename is recognised by an unchanged UIDVALIDITY (servers keep it on RENAME, children included).</summary>
internal static class MailboxListDiff
{
    public sealed record Result(
        IReadOnlyList<string> Created,
        IReadOnlyList<string> Deleted,
        IReadOnlyList<(string OldPath, string NewPath)> Renamed);

    public static Result Compute(IReadOnlyDictionary<string, MailboxState> known, IReadOnlyDictionary<string, MailboxState> current)
    {
        var missing = known.Keys.Where(k => !current.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var added = current.Keys.Where(k => !known.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var renamed = new List<(string, string)>();

        foreach (var oldPath in missing.ToList())
        {
            var uidValidity = known[oldPath].UidValidity;
            if (uidValidity == 0) continue;
            var candidates = added.Where(a => current[a].UidValidity == uidValidity).ToList();
            // Ambiguous (several mailboxes created in the same second share a UIDVALIDITY): prefer the one
            // that keeps the last name segment, as a renamed parent moves its children.
            if (candidates.Count > 1)
                candidates = candidates.Where(c => LastSegment(c) == LastSegment(oldPath)).ToList();
            if (candidates.Count != 1) continue;
            var others = missing.Count(m => m != oldPath && known[m].UidValidity == uidValidity && LastSegment(m) == LastSegment(candidates[0]));
            if (others > 0) continue;
            renamed.Add((oldPath, candidates[0]));
            missing.Remove(oldPath);
            added.Remove(candidates[0]);
        }
        return new Result(added, missing, renamed);
    }

    private static string LastSegment(string path)
    {
        var i = path.LastIndexOfAny(['/', '.']);
        return i < 0 ? path : path[(i + 1)..];
    }
}
