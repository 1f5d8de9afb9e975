using MailGateway.Imap;

namespace MailGateway.Api.Messages;

/// <summary>The bench's name for the API's ids, which moved to <c>MailGateway.Api.Shared.ResourceIds</c>.</summary>
internal static class ResourceIds
{
    public static string Mailbox(string path) => Shared.ResourceIds.Mailbox(path);

    public static string Message(MessageRef message) => Shared.ResourceIds.Message(message);
}
