using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Issue 13 item 2: <c>saveToSent</c> is skipped where the server files sent mail itself (<c>Sending:ServerFiledSentHosts</c>,
/// by default Gmail's and Microsoft 365's submission hosts; here the fixture's Postfix host is declared one). Users user171, user172.</summary>
public sealed class ServerFiledSentTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_copy_goes_to_Sent_when_the_submission_server_files_it_itself()
    {
        var env = await fixture.PostfixAsync();
        await using var app = fixture.CreateApp(o => o.Settings["Sending:ServerFiledSentHosts:0"] = env.Host);
        var me = await Sender.RegisterAsync(fixture, "user171", app);
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user172"), marker));

        var sent = await me.WaitForStateAsync(id, "sent");
        Assert.Single(await env.WaitForMessageAsync("user172", "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));
        Assert.False(sent.TryGetProperty("sentMessageId", out var copy) && copy.ValueKind != System.Text.Json.JsonValueKind.Null, $"A copy was filed: {sent}");
        using var imap = await env.ConnectAsync("user171", Ct);
        var folders = await imap.GetFoldersAsync(imap.PersonalNamespaces[0], cancellationToken: Ct);
        if (folders.FirstOrDefault(f => f.Name == "Sent") is { } folder)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, Ct);
            Assert.Empty(await folder.SearchAsync(SearchQuery.SubjectContains(marker), Ct));
        }
    }
}
