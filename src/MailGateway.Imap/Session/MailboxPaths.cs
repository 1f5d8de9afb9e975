using MailKit;

namespace MailGateway.Imap.Session;

/// <summary>Mailbox path checks and special-use detection.</summary>
internal static class MailboxPaths
{
    /// <summary>Refuses paths that are empty, too long, contain control characters or LIST wildcards.</summary>
    public static void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Length > 1000)
            throw new ImapOperationException("A mailbox path must be 1 to 1000 characters long.");
        foreach (var c in path)
        {
            if (char.IsControl(c) || c is '*' or '%')
                throw new ImapOperationException("A mailbox path must not contain control characters, '*' or '%'.");
        }
    }

    /// <summary>The role from SPECIAL-USE/XLIST attributes, else from common names.</summary>
    public static string? SpecialUse(IMailFolder folder)
    {
        var a = folder.Attributes;
        if (a.HasFlag(FolderAttributes.Inbox) || string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase)) return "inbox";
        if (a.HasFlag(FolderAttributes.Drafts)) return "drafts";
        if (a.HasFlag(FolderAttributes.Sent)) return "sent";
        if (a.HasFlag(FolderAttributes.Trash)) return "trash";
        if (a.HasFlag(FolderAttributes.Junk)) return "junk";
        if (a.HasFlag(FolderAttributes.Archive)) return "archive";
        if (a.HasFlag(FolderAttributes.All)) return "all";
        if (a.HasFlag(FolderAttributes.Flagged)) return "flagged";
        return ByName(folder.Name);
    }

    public static string? ByName(string name) => name.ToLowerInvariant() switch
    {
        "sent" or "sent items" or "sent mail" or "sent messages" or "gesendet" or "gesendete objekte" => "sent",
        "trash" or "deleted items" or "deleted messages" or "deleted" or "bin" or "papierkorb" => "trash",
        "junk" or "spam" or "junk e-mail" or "junk email" or "bulk mail" => "junk",
        "drafts" or "draft" or "entwürfe" => "drafts",
        "archive" or "archives" or "archiv" => "archive",
        _ => null,
    };
}
