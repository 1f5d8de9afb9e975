namespace MailGateway.Imap;

internal sealed partial class WatchSession
{
    /// <summary>A mailbox deleted (or renamed) between the LIST and its SELECT/FETCH answers NO: that is no connection
    /// failure. A fresh LIST decides: when the mailbox is gone it is reported deleted (or renamed) like any list change,
    /// and the sync goes on with the others; when it is still there the NO was something else and stands.</summary>
    private async Task<bool> ReportIfGoneAsync(string path, CancellationToken cancellationToken)
    {
        var listed = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (listed.ContainsKey(path)) return false;
        await ApplyListAsync(listed, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
