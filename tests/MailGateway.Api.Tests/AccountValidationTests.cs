using MailGateway.Api.Accounts;
using MailGateway.Imap;

namespace MailGateway.Api.Tests;

public class AccountValidationTests
{
    private static CreateAccountRequest Valid(string? security = "tls", string? password = "p", OAuthSettingsRequest? oauth = null) =>
        new("Work", "me@example.test", new ImapSettingsRequest("imap.example.test", 993, security, "me", password, oauth));

    [Fact]
    public void A_complete_request_passes()
    {
        Assert.Empty(AccountValidation.Validate(Valid(), out var security, out var mechanism));
        Assert.Equal(ImapSecurity.Tls, security);
        Assert.Equal(ImapAuthMechanism.Password, mechanism);
    }

    [Theory]
    [InlineData("starttls", ImapSecurity.StartTls)]
    [InlineData("none", ImapSecurity.None)]
    [InlineData(null, ImapSecurity.Tls)]
    public void Security_names_parse(string? name, ImapSecurity expected)
    {
        Assert.Empty(AccountValidation.Validate(Valid(security: name), out var security, out _));
        Assert.Equal(expected, security);
    }

    [Fact]
    public void OAuth_instead_of_password_selects_the_mechanism()
    {
        Assert.Empty(AccountValidation.Validate(Valid(password: null, oauth: new OAuthSettingsRequest("oauthbearer", "tok")), out _, out var mechanism));
        Assert.Equal(ImapAuthMechanism.OAuthBearer, mechanism);
    }

    [Fact]
    public void Password_and_oauth_together_are_refused()
    {
        Assert.Contains("imap", AccountValidation.Validate(Valid(oauth: new OAuthSettingsRequest(null, "tok")), out _, out _).Keys);
    }

    [Fact]
    public void Missing_and_bad_fields_are_each_reported()
    {
        var errors = AccountValidation.Validate(new CreateAccountRequest(null, "not-an-address", new ImapSettingsRequest("bad host name!", 0, "ssh", null, null, null)), out _, out _);
        Assert.Equal(["displayName", "email", "imap.host", "imap.password", "imap.port", "imap.security", "imap.username"], errors.Keys.Order());
    }

    [Fact]
    public void Request_records_never_print_secrets()
    {
        var request = new ImapSettingsRequest("h", 993, "tls", "u", "s3cret-pw", new OAuthSettingsRequest("xoauth2", "s3cret-token", "s3cret-refresh"));
        Assert.DoesNotContain("s3cret", request.ToString());
        Assert.DoesNotContain("s3cret", request.OAuth!.ToString());
        Assert.DoesNotContain("s3cret", new UpdateAccountRequest(null, "s3cret-pw", null, null).ToString());
        Assert.DoesNotContain("s3cret", new StoredSecret("s3cret-pw", "s3cret-token").ToString());
    }
}
