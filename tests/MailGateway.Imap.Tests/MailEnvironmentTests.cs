using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace MailGateway.Imap.Tests;

public sealed class MailEnvironmentTests(MailEnvironmentFixture fixture) : IClassFixture<MailEnvironmentFixture>
{
    private MailEnvironment Env => fixture.Env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Both_listeners_greet_and_the_plain_one_offers_STARTTLS_with_the_private_CA()
    {
        using var client = Env.CreateClient();
        await client.ConnectAsync(Env.Host, Env.ImapPort, SecureSocketOptions.StartTls, Ct);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("user3", MailEnvironment.PasswordOf("user3"), Ct);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.QuickResync));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Notify));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.MultiAppend));
        var sent = client.GetFolder(SpecialFolder.Sent)!;
        Assert.Equal("Sent", sent.FullName);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_private_CA_is_refused()
    {
        using var client = new ImapClient { CheckCertificateRevocation = false };
        await Assert.ThrowsAsync<SslHandshakeException>(() => client.ConnectAsync(Env.Host, Env.ImapsPort, SecureSocketOptions.SslOnConnect, Ct));
    }

    [Fact]
    public async Task Seeding_300_messages_is_visible_to_an_independent_connection()
    {
        var result = await Env.SeedAsync("user1", 300, Ct);
        Assert.Equal(301, result.Counts["INBOX"]); // + the body-50k marker

        using var client = await Env.ConnectAsync("user1", Ct);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Equal(301, inbox.Count);

        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate | MessageSummaryItems.Headers, Ct);
        Assert.All(summaries, s => Assert.NotNull(s.Headers!["X-Mailenv-Kind"]));
        var dates = summaries.OrderBy(s => s.UniqueId).Select(s => s.InternalDate!.Value).ToList();
        Assert.Equal(dates.Order(), dates);
        var kinds = summaries.Select(s => s.Headers!["X-Mailenv-Kind"]).ToHashSet();
        foreach (var kind in new[] { "plain", "alternative", "related", "mixed", "body-50k" })
            Assert.Contains(kind, kinds);
        Assert.Contains(summaries, s => s.Headers!["In-Reply-To"] is not null);

        var marker = await inbox.SearchAsync(SearchQuery.HeaderContains("X-Mailenv-Kind", "body-50k"), Ct);
        var size = (await inbox.FetchAsync(marker, MessageSummaryItems.Size, Ct))[0].Size;
        Assert.InRange(size!.Value, 50_000u, 60_000u);

        foreach (var folder in MailEnvironment.SeededFolders)
        {
            var status = await client.GetFolderAsync(folder, Ct);
            await status.StatusAsync(StatusItems.Count, Ct);
            Assert.Equal(result.Counts[folder], status.Count);
        }
    }

    [Fact]
    public async Task The_large_attachment_marker_is_a_5_MiB_attachment()
    {
        await Env.SeedAsync("user6", new SeedOptions { InboxCount = 3, OtherFolders = false, Body50kMarker = false, LargeAttachmentMarker = true }, Ct);

        using var client = await Env.ConnectAsync("user6", Ct);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var uids = await client.Inbox.SearchAsync(SearchQuery.HeaderContains("X-Mailenv-Kind", "large-attachment"), Ct);
        var summary = Assert.Single(await client.Inbox.FetchAsync(uids, MessageSummaryItems.Size | MessageSummaryItems.BodyStructure, Ct));
        Assert.InRange(summary.Size!.Value, 6_900_000u, 7_300_000u);
        var attachment = Assert.Single(summary.Attachments);
        Assert.Equal("archive.bin", attachment.FileName);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_messages()
    {
        var options = new SeedOptions { InboxCount = 40, OtherFolders = false, Seed = 7, Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        await Env.SeedAsync("user4", options, Ct);
        await Env.SeedAsync("user5", options, Ct);

        async Task<List<string>> Fingerprint(string user)
        {
            using var client = await Env.ConnectAsync(user, Ct);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
            var items = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Size | MessageSummaryItems.Envelope | MessageSummaryItems.Flags, Ct);
            // Sizes match too: user4 and user5 are equally long.
            return [.. items.Select(i => $"{i.Size}|{i.Envelope!.Subject}|{i.Envelope.MessageId!.Replace(user, "USER", StringComparison.Ordinal)}|{i.Flags}|{string.Join(',', i.Keywords)}")];
        }

        Assert.Equal(await Fingerprint("user4"), await Fingerprint("user5"));
    }

    [Fact]
    public async Task CountLogins_counts_each_successful_login()
    {
        var before = Env.CountLogins("user2");
        for (var i = 0; i < 3; i++)
        {
            using var client = await Env.ConnectAsync("user2", Ct);
            await client.DisconnectAsync(true, Ct);
        }
        Assert.Equal(before + 3, await Env.WaitForLoginsAsync("user2", before + 3, TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task A_minted_token_logs_in_with_OAUTHBEARER_and_XOAUTH2_and_a_wrong_subject_does_not()
    {
        var token = Env.MintImapOAuthToken("alice", TimeSpan.FromMinutes(5));
        using (var client = Env.CreateClient())
        {
            await client.ConnectAsync(Env.Host, Env.ImapsPort, SecureSocketOptions.SslOnConnect, Ct);
            await client.AuthenticateAsync(new SaslMechanismOAuthBearer("alice", token), Ct);
            Assert.True(client.IsAuthenticated);
        }
        using (var client = Env.CreateClient())
        {
            await client.ConnectAsync(Env.Host, Env.ImapsPort, SecureSocketOptions.SslOnConnect, Ct);
            await client.AuthenticateAsync(new SaslMechanismOAuth2("alice", token), Ct);
            Assert.True(client.IsAuthenticated);
        }
        using (var client = Env.CreateClient())
        {
            await client.ConnectAsync(Env.Host, Env.ImapsPort, SecureSocketOptions.SslOnConnect, Ct);
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismOAuthBearer("bob", token), Ct));
        }
    }

    [Fact]
    public async Task AppendAsync_returns_the_uid_of_the_new_message()
    {
        var message = new MimeKit.MimeMessage { Subject = "appended", Body = new MimeKit.TextPart("plain") { Text = "hi" } };
        message.From.Add(new MimeKit.MailboxAddress("A", "a@example.com"));
        var uid = await Env.AppendAsync("bob", "Archive", message, Ct);

        using var client = await Env.ConnectAsync("bob", Ct);
        var archive = await client.GetFolderAsync("Archive", Ct);
        await archive.OpenAsync(FolderAccess.ReadOnly, Ct);
        var found = await archive.SearchAsync(SearchQuery.SubjectContains("appended"), Ct);
        Assert.Equal([uid], found.Select(u => u.Id));
    }
}
