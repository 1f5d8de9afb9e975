using MailGateway.Api.Messages;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

public class ValidationTests
{
    [Fact]
    public void Flag_changes_accept_keywords_and_refuse_system_flags_and_specials()
    {
        var change = FlagChanges.From(true, null, null, null, ["$Important", "Work"], null);
        Assert.Equal(["$Important", "Work"], change.AddKeywords);
        Assert.True(FlagChanges.IsEmpty(FlagChanges.From(null, null, null, null, [], [])));
        foreach (var bad in new[] { "\\Deleted", "a b", "x\r\ny", "(", "{3}", new string('k', 101) })
            Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => FlagChanges.From(null, null, null, null, [bad], null)).Code);
        Assert.Throws<MailApiException>(() => FlagChanges.From(null, null, null, null, ["Work"], ["work"]));
    }

    [Fact]
    public void Compose_builds_the_request_and_refuses_header_injection()
    {
        var ok = ComposeValidation.ToComposeRequest(new ComposeMessageRequest(
            new AddressDto("Ann", "ann@example.com"), [new AddressDto(null, "bob@example.com")], null, null, "Grüße", "hi", null, "<a@b>",
            [new ComposeAttachmentDto("a.txt", "text/plain", Convert.ToBase64String("abc"u8.ToArray()))]));
        Assert.Equal("bob@example.com", ok.To.Single().Address);
        Assert.Equal("abc"u8.ToArray(), ok.Attachments.Single().Content);

        ComposeMessageRequest Base() => new(null, [new AddressDto(null, "bob@example.com")], null, null, "s", "t", null, null, null);
        MailApiException Fails(ComposeMessageRequest r) => Assert.Throws<MailApiException>(() => ComposeValidation.ToComposeRequest(r));
        Assert.Equal("validation_failed", Fails(Base() with { Subject = "x\r\nBcc: evil@example.com" }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { To = [new AddressDto(null, "a@b.c, evil@example.com")] }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { To = [new AddressDto("x\nBcc: y", "a@b.c")] }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { InReplyTo = "<a>\r\nX: y" }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { Text = null }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { Attachments = [new ComposeAttachmentDto("a", "text/plain", "!!notbase64")] }).Code);
        Assert.Equal("validation_failed", Fails(Base() with { Attachments = [new ComposeAttachmentDto("a", "bad\r\ntype", "")] }).Code);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("IMAGE/PNG; name=\"x.png\"", "image/png")]
    [InlineData("text/html\r\nSet-Cookie: a=b", "application/octet-stream")]
    [InlineData("nonsense", "application/octet-stream")]
    [InlineData(null, "application/octet-stream")]
    public void Download_content_types_are_rebuilt_from_safe_tokens(string? input, string expected) =>
        Assert.Equal(expected, DownloadResult.SafeContentType(input));

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\x\\evil.exe", "evil.exe")]
    [InlineData("a\r\nContent-Type: text\"/x\".txt", "x.txt")]
    [InlineData("", "attachment")]
    [InlineData(null, "attachment")]
    public void Download_file_names_lose_paths_quotes_and_control_characters(string? input, string expected) =>
        Assert.Equal(expected, DownloadResult.SafeFileName(input, "attachment"));
}
