using MailGateway.Imap.Mime;
using MailKit;
using MailKit.Search;
using MimeKit;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    public async Task<MessageRef> AppendAsync(string mailbox, Stream rawMessage, IReadOnlyList<string>? flags = null, DateTimeOffset? internalDate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rawMessage);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        MimeMessage message;
        try
        {
            // Parsed before any IMAP work, so a retry on a fresh connection appends the same message.
            message = await MimeMessage.LoadAsync(rawMessage, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            throw new ImapOperationException("The body is not a valid RFC 5322 message.");
        }
        return await RunAsync(() => AppendMessageAsync(mailbox, message, flags, internalDate, cancellationToken), idempotent: false).ConfigureAwait(false);
    }

    public Task<MessageRef> AppendAsync(string mailbox, ComposeRequest message, IReadOnlyList<string>? flags = null, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var mime = ComposeBuilder.Build(message, DefaultFrom(_account), DateTimeOffset.UtcNow);
        return await AppendMessageAsync(mailbox, mime, flags, null, cancellationToken).ConfigureAwait(false);
    }, idempotent: false);

    private async Task<MessageRef> AppendMessageAsync(string mailbox, MimeMessage message, IReadOnlyList<string>? flags, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        var (system, keywords) = ParseFlags(flags);
        var folder = await GetFolderAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var request = new AppendRequest(message, system, keywords) { InternalDate = internalDate };
        await CommittingAsync(cancellationToken).ConfigureAwait(false);
        var uid = await folder.AppendAsync(request, cancellationToken).ConfigureAwait(false);
        if (uid is { } appended && appended.Validity != 0)
            return new MessageRef(folder.FullName, appended.Validity, appended.Id);

        // No APPENDUID (server without UIDPLUS): find the newest message with this Message-ID.
        if (string.IsNullOrEmpty(message.MessageId))
            throw new ImapOperationException("The message was appended, but without a Message-ID it cannot be located on this server.");
        var selected = await EnsureSelectedAsync(mailbox, FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var found = await selected.SearchAsync(SearchQuery.HeaderContains("Message-ID", message.MessageId), cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
            throw new ImapOperationException("The message was appended but could not be located afterwards.");
        return new MessageRef(selected.FullName, selected.UidValidity, found.Max(u => u.Id));
    }

    private static (MessageFlags System, List<string> Keywords) ParseFlags(IReadOnlyList<string>? flags)
    {
        var system = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var flag in flags ?? [])
        {
            if (Keywords.IsSystem(flag, out var value)) system |= value;
            else keywords.Add(Keywords.Validate(flag));
        }
        return (system, keywords);
    }

    /// <summary>The From of a composed message that names none: the account's email, else a login name that is an address.</summary>
    private static string DefaultFrom(ImapAccount account) =>
        !string.IsNullOrWhiteSpace(account.Email) ? account.Email
        : account.Username.Contains('@', StringComparison.Ordinal) ? account.Username : $"{account.Username}@localhost";
}
