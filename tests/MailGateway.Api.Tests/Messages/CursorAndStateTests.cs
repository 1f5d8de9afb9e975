using MailGateway.Api.Messages;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

public class CursorAndStateTests
{
    private static readonly MessageQuery Unseen = new() { Unseen = true };

    [Fact]
    public void A_cursor_round_trips_and_is_bound_to_its_filter()
    {
        var hash = MessageQueryRules.FilterHash("INBOX", Unseen);
        var cursor = new MessageCursor(77, 500, hash).Encode();

        Assert.Equal(new MessageCursor(77, 500, hash), MessageCursor.Parse(cursor, hash));
        var other = MessageQueryRules.FilterHash("INBOX", new MessageQuery { Flagged = true });
        Assert.Equal("invalid_cursor", Assert.Throws<MailApiException>(() => MessageCursor.Parse(cursor, other)).Code);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("AQAAAE0AAAH0")]
    [InlineData("!!!!")]
    public void Malformed_cursors_are_invalid_cursor(string cursor)
    {
        var e = Assert.Throws<MailApiException>(() => MessageCursor.Parse(cursor, 1));
        Assert.Equal((400, "invalid_cursor"), (e.Status, e.Code));
    }

    [Fact]
    public void The_filter_hash_depends_on_mailbox_and_filters_but_not_on_limit_or_position()
    {
        var a = MessageQueryRules.FilterHash("INBOX", Unseen);
        Assert.Equal(a, MessageQueryRules.FilterHash("INBOX", Unseen with { Limit = 7, BeforeUid = 99 }));
        Assert.NotEqual(a, MessageQueryRules.FilterHash("Archive", Unseen));
        Assert.NotEqual(a, MessageQueryRules.FilterHash("INBOX", Unseen with { Subject = "x" }));
        Assert.NotEqual(MessageQueryRules.FilterHash("INBOX", new() { From = "a", To = "b" }),
            MessageQueryRules.FilterHash("INBOX", new() { From = "a\u001fb" }));
    }

    [Fact]
    public void A_state_token_round_trips_and_belongs_to_one_mailbox()
    {
        var state = new MailboxState(5, 1000, 123456789012);
        var token = StateToken.Encode("INBOX", state);

        Assert.Equal(state, StateToken.Parse(token, "INBOX"));
        Assert.False(StateToken.TryDecode(token, "Archive", out _));
        Assert.Equal("invalid_state", Assert.Throws<MailApiException>(() => StateToken.Parse(token, "Archive")).Code);
        Assert.Equal("invalid_state", Assert.Throws<MailApiException>(() => StateToken.Parse("xyz", "INBOX")).Code);
        Assert.Equal("invalid_state", Assert.Throws<MailApiException>(() => StateToken.Parse(null, "INBOX")).Code);
    }
}
