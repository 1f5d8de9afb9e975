using MailGateway.Api.Mailboxes;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Mailboxes;

public class MailboxNamesTests
{
    [Theory]
    [InlineData("Projects/Gamma")]
    [InlineData("Grüße 日本語")]
    [InlineData("Quote\"d & (parens)")]
    public void Accepts_ordinary_names(string path) => MailboxNames.CheckPath(path, '/');

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a\r\nb")]
    [InlineData("a\u0001b")]
    [InlineData("a*")]
    [InlineData("%")]
    [InlineData("x {5}")]
    [InlineData("x{12+}")]
    [InlineData("/lead")]
    [InlineData("trail/")]
    [InlineData("a//b")]
    [InlineData(" spaced ")]
    public void Refuses_hostile_paths(string path) =>
        Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => MailboxNames.CheckPath(path, '/')).Code);

    [Fact]
    public void Refuses_paths_over_1000_characters_and_names_with_the_delimiter()
    {
        MailboxNames.CheckPath(new string('a', 1000), '/');
        Assert.Throws<MailApiException>(() => MailboxNames.CheckPath(new string('a', 1001), '/'));
        Assert.Throws<MailApiException>(() => MailboxNames.CheckName("a/b", '/'));
        MailboxNames.CheckName("a.b", '/');
    }
}
