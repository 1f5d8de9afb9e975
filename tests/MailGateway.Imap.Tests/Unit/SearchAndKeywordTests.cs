using MailGateway.Imap.Session;

namespace MailGateway.Imap.Tests.Unit;

public sealed class SearchAndKeywordTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void Text_with_line_breaks_or_NUL_is_refused(string text) =>
        Assert.Throws<ImapOperationException>(() => SearchBuilder.Build(new MessageQuery { Subject = text }, true, Now));

    [Fact]
    public void Overlong_text_is_refused() =>
        Assert.Throws<ImapOperationException>(() => SearchBuilder.Build(new MessageQuery { Text = new string('a', SearchBuilder.MaxTextLength + 1) }, true, Now));

    [Fact]
    public void Quotes_braces_and_non_ASCII_are_accepted_as_values()
    {
        var query = SearchBuilder.Build(new MessageQuery { Subject = "\"{5}\" 日本", From = ") OR ALL (" }, true, Now);
        Assert.NotNull(query);
    }

    [Fact]
    public void An_empty_uid_range_matches_nothing_without_asking_the_server()
    {
        Assert.Null(SearchBuilder.Build(new MessageQuery { Unseen = true, BeforeUid = 1 }, true, Now));
        Assert.Null(SearchBuilder.Build(new MessageQuery { MinUid = 10, MaxUid = 5 }, true, Now));
    }

    [Fact]
    public void Paging_only_queries_are_unfiltered()
    {
        Assert.True(SearchBuilder.IsUnfiltered(new MessageQuery { Limit = 10, BeforeUid = 50 }));
        Assert.False(SearchBuilder.IsUnfiltered(new MessageQuery { Unseen = true }));
        Assert.False(SearchBuilder.IsUnfiltered(new MessageQuery { MinUid = 3 }));
    }

    [Theory]
    [InlineData("Work")]
    [InlineData("$Label1")]
    [InlineData("$Forwarded")]
    public void Atoms_are_valid_keywords(string keyword) => Assert.Equal(keyword, Keywords.Validate(keyword));

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("x)\r\nA1 LOGOUT")]
    [InlineData("{5}")]
    [InlineData("quo\"te")]
    [InlineData(@"\Seen")]
    [InlineData("ümlaut")]
    public void Non_atoms_are_refused(string keyword) => Assert.Throws<ImapOperationException>(() => Keywords.Validate(keyword));

    [Theory]
    [InlineData("1", true)]
    [InlineData("2.1.3", true)]
    [InlineData("0", false)]
    [InlineData("1..2", false)]
    [InlineData("1]<0.5>", false)]
    [InlineData("TEXT", false)]
    public void Part_ids_are_dotted_numbers(string partId, bool valid) =>
        Assert.Equal(valid, MailGateway.Imap.Mime.BodyParts.IsValidPartId(partId));

    [Theory]
    [InlineData("ok")]
    [InlineData("bad*name")]
    [InlineData("bad%name")]
    [InlineData("ctl\u0001")]
    public void Mailbox_paths_without_wildcards_or_controls_are_accepted(string path)
    {
        if (path == "ok") MailboxPaths.Validate(path);
        else Assert.Throws<ImapOperationException>(() => MailboxPaths.Validate(path));
    }

    [Theory]
    [InlineData("Sent Items", "sent")]
    [InlineData("Deleted Items", "trash")]
    [InlineData("Spam", "junk")]
    [InlineData("Drafts", "drafts")]
    [InlineData("Archive", "archive")]
    [InlineData("Projects", null)]
    public void Special_use_falls_back_to_common_names(string name, string? role) => Assert.Equal(role, MailboxPaths.ByName(name));
}
