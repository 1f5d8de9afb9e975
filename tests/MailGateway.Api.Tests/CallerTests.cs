using System.Security.Claims;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests;

public class CallerTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Fact]
    public void Owner_is_tenant_and_object_id_when_present()
    {
        var caller = Caller.From(User(("tid", "t1"), ("oid", "o1"), ("iss", "https://issuer"), ("sub", "s1"), ("scp", "Mail.Read")));
        Assert.Equal("tid:t1/oid:o1", caller.OwnerId);
    }

    [Fact]
    public void Owner_holds_the_tenant_when_the_token_names_one_without_an_object_id()
    {
        var first = Caller.From(User(("tid", "t1"), ("iss", "https://issuer"), ("sub", "s1")));
        var second = Caller.From(User(("tid", "t2"), ("iss", "https://issuer"), ("sub", "s1")));
        Assert.Equal("tid:t1/iss:https://issuer/sub:s1", first.OwnerId);
        Assert.NotEqual(first.OwnerId, second.OwnerId);
    }

    [Fact]
    public void Owner_is_issuer_and_subject_otherwise()
    {
        var caller = Caller.From(User(("iss", "https://issuer"), ("sub", "s1")));
        Assert.Equal("iss:https://issuer/sub:s1", caller.OwnerId);
    }

    [Fact]
    public void Mapped_claim_types_are_understood()
    {
        var caller = Caller.From(User(
            ("http://schemas.microsoft.com/identity/claims/tenantid", "t1"),
            ("http://schemas.microsoft.com/identity/claims/objectidentifier", "o1"),
            ("http://schemas.microsoft.com/identity/claims/scope", "Mail.Read Mail.Send")));
        Assert.Equal("tid:t1/oid:o1", caller.OwnerId);
        Assert.True(caller.Has(Permissions.MailRead));
        Assert.True(caller.Has(Permissions.MailSend));
        Assert.False(caller.Has(Permissions.MailReadWrite));
        Assert.False(caller.IsApp);
    }

    [Fact]
    public void Subject_from_name_identifier_when_sub_was_mapped()
    {
        var caller = Caller.From(User(("iss", "i"), (ClaimTypes.NameIdentifier, "s2")));
        Assert.Equal("iss:i/sub:s2", caller.OwnerId);
    }

    [Fact]
    public void Scopes_are_split_on_spaces()
    {
        var caller = Caller.From(User(("sub", "s"), ("scp", " Mail.Read  Webhooks.ReadWrite ")));
        Assert.Equal(["Mail.Read", "Webhooks.ReadWrite"], caller.Permissions.Order());
    }

    [Fact]
    public void ReadWrite_includes_Read_but_not_Send()
    {
        var caller = Caller.From(User(("sub", "s"), ("scp", "Mail.ReadWrite")));
        Assert.True(caller.Has(Permissions.MailRead));
        Assert.True(caller.Has(Permissions.MailReadWrite));
        Assert.False(caller.Has(Permissions.MailSend));
        Assert.False(caller.Has(Permissions.WebhooksReadWrite));
    }

    [Fact]
    public void App_roles_are_permissions_and_mark_an_app_caller()
    {
        var caller = Caller.From(User(("sub", "app"), ("roles", "Mail.Read")));
        Assert.True(caller.IsApp);
        Assert.True(caller.Has(Permissions.MailRead));
        Assert.False(caller.IsAdmin);
    }

    [Fact]
    public void Admin_role_holds_every_permission()
    {
        var caller = Caller.From(User(("sub", "ops"), (ClaimTypes.Role, Caller.AdminRole)));
        Assert.True(caller.IsAdmin);
        Assert.True(caller.Has(Permissions.WebhooksReadWrite));
    }

    [Fact]
    public void Without_permissions_nothing_is_allowed()
    {
        var caller = Caller.From(User(("sub", "s")));
        Assert.False(caller.Has(Permissions.MailRead));
    }
}
