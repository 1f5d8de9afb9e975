using System.Buffers.Text;
using System.Text;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

public class ResourceIdsTests
{
    [Theory]
    [InlineData("INBOX")]
    [InlineData("Projects/Ålpha/日本語 ✉")]
    public void Message_ids_round_trip_mailbox_uidvalidity_and_uid(string mailbox)
    {
        var message = new MessageRef(mailbox, 1234567890, 42);
        var id = ResourceIds.Message(message);

        Assert.Matches("^[A-Za-z0-9_-]+$", id);
        Assert.True(ResourceIds.TryParseMessage(id, out var parsed));
        Assert.Equal(message, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("../../etc/passwd")]
    public void Garbage_message_ids_are_refused(string? id) => Assert.False(ResourceIds.TryParseMessage(id, out _));

    [Fact]
    public void Message_ids_with_zero_uid_or_control_characters_in_the_path_are_refused()
    {
        Assert.False(ResourceIds.TryParseMessage(ResourceIds.Message(new MessageRef("INBOX", 1, 0)), out _));
        Assert.False(ResourceIds.TryParseMessage(ResourceIds.Message(new MessageRef("INBOX", 0, 1)), out _));
        Assert.False(ResourceIds.TryParseMessage(ResourceIds.Message(new MessageRef("IN\r\nBOX", 1, 1)), out _));
    }

    [Fact]
    public void Message_ids_with_invalid_utf8_are_refused()
    {
        var bytes = new byte[] { 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xfe };
        Assert.False(ResourceIds.TryParseMessage(Base64Url.EncodeToString(bytes), out _));
    }

    [Fact]
    public void Mailbox_ids_round_trip_and_refuse_hostile_paths()
    {
        Assert.True(ResourceIds.TryParseMailbox(ResourceIds.Mailbox("Archive/2024"), out var path));
        Assert.Equal("Archive/2024", path);
        Assert.False(ResourceIds.TryParseMailbox(ResourceIds.Mailbox("A\r\nB"), out _));
        Assert.False(ResourceIds.TryParseMailbox(ResourceIds.Mailbox(new string('x', 1001)), out _));
        Assert.False(ResourceIds.TryParseMailbox("%%%", out _));
        Assert.False(ResourceIds.TryParseMailbox(Base64Url.EncodeToString([0xc3]), out _));
    }

    [Fact]
    public void Attachment_ids_round_trip_part_specifiers_only()
    {
        Assert.True(ResourceIds.TryParseAttachment(ResourceIds.Attachment("1.2"), out var part));
        Assert.Equal("1.2", part);
        Assert.False(ResourceIds.TryParseAttachment(Base64Url.EncodeToString(Encoding.ASCII.GetBytes("1 BODY[]")), out _));
        Assert.False(ResourceIds.TryParseAttachment("", out _));
    }
}
