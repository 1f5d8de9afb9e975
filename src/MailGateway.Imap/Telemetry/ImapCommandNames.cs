using System.Collections.Frozen;

namespace MailGateway.Imap.Telemetry;

/// <summary>The fixed label set of the command metrics: a command the gateway (MailKit) can issue, or <c>OTHER</c>.
/// Nothing read off the wire becomes a label or a kept string unless it is one of these names.</summary>
internal static class ImapCommandNames
{
    public const string Other = "OTHER";

    private static readonly FrozenSet<string> Known = new[]
    {
        "APPEND", "AUTHENTICATE", "CAPABILITY", "CHECK", "CLOSE", "COMPRESS", "COPY", "CREATE", "DELETE", "ENABLE",
        "EXAMINE", "EXPUNGE", "FETCH", "GETQUOTAROOT", "GETQUOTA", "ID", "IDLE", "LIST", "LOGIN", "LOGOUT", "LSUB",
        "MOVE", "NAMESPACE", "NOOP", "NOTIFY", "RENAME", "SEARCH", "SELECT", "SORT", "STARTTLS", "STATUS", "STORE",
        "SUBSCRIBE", "THREAD", "UNSELECT", "UNSUBSCRIBE",
        "UID COPY", "UID EXPUNGE", "UID FETCH", "UID MOVE", "UID SEARCH", "UID SORT", "UID STORE", "UID THREAD",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Statuses = new[] { "OK", "NO", "BAD" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The label for a command line's first words (<c>UID</c> takes the next word too).</summary>
    public static string Command(string first, string? second)
    {
        var name = first.ToUpperInvariant();
        if (name == "UID" && second is not null)
            name = "UID " + second.ToUpperInvariant();
        return Known.TryGetValue(name, out var known) ? known : Other;
    }

    /// <summary>The label for a tagged completion's status.</summary>
    public static string Status(string word)
    {
        var upper = word.ToUpperInvariant();
        return Statuses.TryGetValue(upper, out var known) ? known : Other;
    }
}
