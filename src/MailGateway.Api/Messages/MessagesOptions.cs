namespace MailGateway.Api.Messages;

/// <summary>Settings of the Messages feature (section <c>Messages</c>).</summary>
public sealed class MessagesOptions
{
    public const string Section = "Messages";

    /// <summary>Largest accepted append body (raw or JSON), in bytes; larger uploads answer 413. Default 35 MB.</summary>
    public long MaxUploadBytes { get; set; } = 35L * 1024 * 1024;
}
