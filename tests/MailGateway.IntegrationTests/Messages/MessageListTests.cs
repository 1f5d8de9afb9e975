using System.Net;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Messages;

public class MessageListTests(MailEnvFixture fixture)
{
    private const string User = "user182";

    /// <summary>The IMAP server these tests run against (a derived class per server, see Cyrus/CyrusServerTests.cs).</summary>
    protected virtual MailServerKind Server => MailServerKind.Dovecot;

    private static readonly string Inbox = ResourceIds.Mailbox("INBOX");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, Server, User, env => env.SeedAsync(User, 130, _ct));

    private async Task<IList<UniqueId>> ImapSearchAsync(MailUser me, SearchQuery query)
    {
        using var imap = await me.ImapAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        return await MailUser.UidsAsync(imap.Inbox, query);
    }

    private async Task<List<Summary>> AllPagesAsync(MailUser me, string query, int limit)
    {
        var all = new List<Summary>();
        string? cursor = null;
        do
        {
            var sep = query.Length == 0 ? "" : "&";
            var page = await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages?limit={limit}{sep}{query}" +
                (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(page.Items.Length <= limit);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    [Fact]
    public async Task Paging_returns_every_message_exactly_once_newest_first()
    {
        var me = await UserAsync();
        var all = await AllPagesAsync(me, "", 37);

        var expected = (await ImapSearchAsync(me, SearchQuery.All)).Select(u => u.Id).OrderDescending().ToList();
        Assert.Equal(expected, all.Select(m => m.Uid));
        Assert.All(all, m => Assert.Equal(Inbox, m.MailboxId));
        Assert.Equal(all.Count, all.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task The_default_page_has_fifty_summaries_with_the_contract_fields()
    {
        var me = await UserAsync();
        var page = await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages");
        Assert.Equal(50, page.Items.Length);
        Assert.NotNull(page.NextCursor);
        Assert.False(string.IsNullOrEmpty(page.State));
        Assert.All(page.Items, m =>
        {
            Assert.NotEmpty(m.From);
            Assert.True(m.Size > 0);
            Assert.NotNull(m.ReceivedAt);
            Assert.Equal(m.Flags.Contains("\\Seen"), m.Seen);
        });
    }

    [Theory]
    [InlineData("unseen=true")]
    [InlineData("flagged=true")]
    [InlineData("unseen=false&flagged=false")]
    [InlineData("subject=Re")]
    [InlineData("from=example")]
    [InlineData("larger=20000")]
    [InlineData("smaller=3000")]
    [InlineData("header=X-Mailenv-Kind:body-50k")]
    [InlineData("keyword=Work")]
    [InlineData("uid=10:40")]
    [InlineData("since=2000-01-01&before=2100-01-01")]
    public async Task Filters_answer_what_an_imap_search_answers(string query)
    {
        var me = await UserAsync();
        SearchQuery search = query switch
        {
            "unseen=true" => SearchQuery.NotSeen,
            "flagged=true" => SearchQuery.Flagged,
            "unseen=false&flagged=false" => SearchQuery.Seen.And(SearchQuery.NotFlagged),
            "subject=Re" => SearchQuery.SubjectContains("Re"),
            "from=example" => SearchQuery.FromContains("example"),
            "larger=20000" => SearchQuery.LargerThan(20000),
            "smaller=3000" => SearchQuery.SmallerThan(3000),
            "header=X-Mailenv-Kind:body-50k" => SearchQuery.HeaderContains("X-Mailenv-Kind", "body-50k"),
            "keyword=Work" => SearchQuery.HasKeyword("Work"),
            "uid=10:40" => SearchQuery.Uids(new UniqueIdRange(0, 10, 40)),
            _ => SearchQuery.All,
        };
        var expected = (await ImapSearchAsync(me, search)).Select(u => u.Id).OrderDescending().ToList();

        var all = await AllPagesAsync(me, query, 200);

        Assert.Equal(expected, all.Select(m => m.Uid));
        if (query == "header=X-Mailenv-Kind:body-50k") Assert.Single(all);
    }

    [Fact]
    public async Task Has_attachment_selects_only_messages_with_attachments()
    {
        var me = await UserAsync();
        var with = await AllPagesAsync(me, "hasAttachment=true", 200);
        var without = await AllPagesAsync(me, "hasAttachment=false", 200);
        Assert.NotEmpty(with);
        Assert.All(with, m => Assert.True(m.HasAttachments));
        Assert.All(without, m => Assert.False(m.HasAttachments));
    }

    [Fact]
    public async Task A_cursor_only_continues_the_query_it_came_from()
    {
        var me = await UserAsync();
        var page = await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages?limit=5&unseen=true");
        Assert.NotNull(page.NextCursor);

        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{Inbox}/messages?limit=5&cursor={page.NextCursor}",
            HttpStatusCode.BadRequest, "invalid_cursor");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{ResourceIds.Mailbox("Archive")}/messages?unseen=true&cursor={page.NextCursor}",
            HttpStatusCode.BadRequest, "invalid_cursor");
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{Inbox}/messages?cursor=garbage", HttpStatusCode.BadRequest, "invalid_cursor");
        var next = await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages?limit=5&unseen=true&cursor={page.NextCursor}");
        Assert.True(next.Items.Max(m => m.Uid) < page.Items.Min(m => m.Uid));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=abc")]
    [InlineData("unseen=maybe")]
    [InlineData("since=yesterday")]
    [InlineData("uid=5:1")]
    [InlineData("header=nocolon")]
    [InlineData("keyword=a%20b")]
    public async Task Malformed_parameters_are_400(string query)
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{Inbox}/messages?{query}", HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("subject", "a%0D%0AA1 LOGOUT")]
    [InlineData("text", "%22quoted%22 %5C back")]
    [InlineData("from", "%7B5%7D%0D%0A")]
    [InlineData("subject", "%7B5%7D")]
    [InlineData("text", "Gr%C3%BC%C3%9Fe %E6%97%A5%E6%9C%AC")]
    [InlineData("header", "Subject:%7B3%2B%7D")]
    public async Task Hostile_search_text_is_searched_literally_or_refused_and_the_account_keeps_working(string name, string value)
    {
        var me = await UserAsync();
        using var response = await me.Client.GetAsync(me.Api($"/mailboxes/{Inbox}/messages?{name}={value}"), _ct);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.OK) Assert.Empty((await MailUser.ReadAsync<Page>(response)).Items);

        var after = await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages?limit=3");
        Assert.Equal(3, after.Items.Length);
    }

    [Fact]
    public async Task Ten_kilobyte_search_text_is_400_and_the_account_keeps_working()
    {
        var me = await UserAsync();
        await me.AssertProblemAsync(HttpMethod.Get, $"/mailboxes/{Inbox}/messages?text={new string('x', 10_000)}",
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(2, (await me.GetAsync<Page>($"/mailboxes/{Inbox}/messages?limit=2")).Items.Length);
    }

    [Fact]
    public async Task The_list_answers_304_until_the_mailbox_changes()
    {
        var me = await UserAsync();
        var path = me.Api($"/mailboxes/{Inbox}/messages?limit=5");
        using var first = await me.Client.GetAsync(path, _ct);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        async Task<HttpStatusCode> Conditional()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.IfNoneMatch.Add(etag);
            using var response = await me.Client.SendAsync(request, _ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotModified, await Conditional());
        using (var imap = await me.ImapAsync())
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite, _ct);
            var oldest = (await MailUser.UidsAsync(imap.Inbox))[0];
            await imap.Inbox.AddFlagsAsync(oldest, MessageFlags.Flagged, silent: true, _ct);
            await imap.Inbox.RemoveFlagsAsync(oldest, MessageFlags.Flagged, silent: true, _ct);
        }
        Assert.Equal(HttpStatusCode.OK, await Conditional());
    }
}
