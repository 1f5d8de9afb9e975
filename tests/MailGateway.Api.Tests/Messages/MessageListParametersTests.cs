using MailGateway.Api.Messages;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

public class MessageListParametersTests
{
    private static MailApiException Refused(MessageListParameters p) =>
        Assert.Throws<MailApiException>(() => MessageQueryRules.Validate(p.ToQuery()));

    [Fact]
    public void Defaults_to_fifty_newest_without_filters()
    {
        var q = new MessageListParameters().ToQuery();
        MessageQueryRules.Validate(q);
        Assert.Equal(50, q.Limit);
        Assert.Null(q.Unseen);
        Assert.Null(q.MinUid);
    }

    [Fact]
    public void Parses_every_filter()
    {
        var q = new MessageListParameters
        {
            Limit = "200", Unseen = "true", Flagged = "0", From = "ann", To = "bob", Subject = "Re: x", Text = "hello",
            Since = "2024-01-02", Before = "2024-03-04T05:06:07Z", Larger = "100", Smaller = "5000", HasAttachment = "1",
            Header = "X-Mailenv-Kind: body-50k", Keyword = "$Important", Uid = "10:20",
        }.ToQuery();
        MessageQueryRules.Validate(q);

        Assert.Equal(200, q.Limit);
        Assert.True(q.Unseen);
        Assert.False(q.Flagged);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), q.Since);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 5, 6, 7, TimeSpan.Zero), q.Before);
        Assert.Equal((100L, 5000L), (q.Larger!.Value, q.Smaller!.Value));
        Assert.True(q.HasAttachment);
        Assert.Equal(("X-Mailenv-Kind", "body-50k"), (q.HeaderName, q.HeaderValue));
        Assert.Equal("$Important", q.Keyword);
        Assert.Equal((10u, 20u), (q.MinUid!.Value, q.MaxUid!.Value));
    }

    [Theory]
    [InlineData("7", 7u, 7u)]
    [InlineData("7:*", 7u, null)]
    [InlineData("1:4294967295", 1u, uint.MaxValue)]
    public void Parses_uid_ranges(string value, uint min, uint? max) =>
        Assert.Equal((min, max), MessageListParameters.ParseUidRange(value));

    [Theory]
    [InlineData("0:5")]
    [InlineData("9:3")]
    [InlineData("1:2:3")]
    [InlineData("a:b")]
    [InlineData("*")]
    [InlineData("-1")]
    public void Refuses_bad_uid_ranges(string value) =>
        Assert.Equal("validation_failed", Refused(new() { Uid = value }).Code);

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void Refuses_limits_outside_1_to_200(string limit) =>
        Assert.Equal(400, Refused(new() { Limit = limit }).Status);

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("x\0")]
    [InlineData("tab\there")]
    public void Refuses_control_characters_in_search_text(string text)
    {
        Assert.Equal("validation_failed", Refused(new() { Subject = text }).Code);
        Assert.Equal("validation_failed", Refused(new() { Header = "Subject:" + text }).Code);
    }

    [Fact]
    public void Refuses_search_text_over_1000_characters_and_accepts_hostile_but_printable_text()
    {
        Assert.Equal("validation_failed", Refused(new() { Text = new string('a', 10_000) }).Code);
        foreach (var text in new[] { "\"quoted\" \\ back", "{5}", "{5+}\")", "Grüße 日本語 🎉", new string('b', 1000) })
            MessageQueryRules.Validate(new MessageListParameters { Text = text, From = text }.ToQuery());
    }

    [Theory]
    [InlineData("NoColon")]
    [InlineData(":value")]
    [InlineData("Bad Name:v")]
    public void Refuses_malformed_header_filters(string header) =>
        Assert.Equal("validation_failed", Refused(new() { Header = header }).Code);

    [Theory]
    [InlineData("two words")]
    [InlineData("\\Seen")]
    [InlineData("a{5}")]
    [InlineData("")]
    public void Refuses_keywords_that_are_not_atoms(string keyword) =>
        Assert.Equal("validation_failed", Refused(new() { Keyword = keyword }).Code);

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    public void Refuses_non_boolean_flags(string value) =>
        Assert.Equal("validation_failed", Refused(new() { Unseen = value }).Code);

    [Fact]
    public void Refuses_unparseable_dates_and_sizes()
    {
        Assert.Equal("validation_failed", Refused(new() { Since = "yesterday" }).Code);
        Assert.Equal("validation_failed", Refused(new() { Larger = "-1" }).Code);
        Assert.Equal("validation_failed", Refused(new() { Smaller = "1e9" }).Code);
    }
}
