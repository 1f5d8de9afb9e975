using System.Net;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Imap;
using MailGateway.Testing;
using MailKit;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Messages;

public class BatchTests(MailEnvFixture fixture)
{
    private const string User = "user185";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<MailUser> UserAsync() => MailUser.GetAsync(fixture, User, env =>
        env.SeedAsync(User, new SeedOptions { InboxCount = 1100, OtherFolders = false, Body50kMarker = false }, _ct));

    private async Task<List<string>> IdsAsync(MailUser me, int count, string query = "")
    {
        var page = await me.GetAsync<Page>($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=200{query}");
        var ids = page.Items.Select(m => m.Id).ToList();
        while (ids.Count < count && page.NextCursor is not null)
        {
            page = await me.GetAsync<Page>($"/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=200{query}&cursor={page.NextCursor}");
            ids.AddRange(page.Items.Select(m => m.Id));
        }
        return ids.Take(count).ToList();
    }

    [Fact]
    public async Task A_thousand_flag_updates_take_a_bounded_number_of_imap_commands()
    {
        var me = await UserAsync();
        var ids = await IdsAsync(me, 1000);
        Assert.Equal(1000, ids.Count);

        // A gateway of its own, so no other test's IMAP traffic is counted.
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var client = app.CreateClient(User);
        var accountId = await app.RegisterAccountAsync(client, User, _ct);
        var telemetry = app.Services.GetRequiredService<ImapTelemetry>();
        using (var warm = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=1", _ct))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var before = telemetry.CommandCount;

        using var response = await client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/messages/batch",
            new { ids, action = "update", flagged = true, addFlags = new[] { "$Batch" } }, _ct);
        var answer = await MailUser.ReadAsync<BatchAnswer>(response);
        var commands = telemetry.CommandCount - before;

        Assert.All(answer.Results, r => Assert.True(r.Ok, r.Error));
        Assert.Equal(ids, answer.Results.Select(r => r.Id));
        Assert.InRange(commands, 1, 10);

        using var imap = await me.ImapAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        var flagged = await imap.Inbox.SearchAsync(SearchQuery.HasKeyword("$Batch").And(SearchQuery.Flagged), _ct);
        var expected = ids.Select(id => ResourceIds.TryParseMessage(id, out var m) ? m.Uid : 0).Order();
        Assert.Equal(expected, flagged.Select(u => u.Id).Order());
    }

    [Fact]
    public async Task Each_id_gets_its_own_outcome()
    {
        var me = await UserAsync();
        var ids = await IdsAsync(me, 3, "&uid=1:300");
        Assert.True(ResourceIds.TryParseMessage(ids[0], out var first));
        var stale = ResourceIds.Message(first with { UidValidity = first.UidValidity + 1 });
        var vanished = ResourceIds.Message(first with { Uid = 4_000_000 });
        string[] request = [ids[0], "garbage", stale, vanished, ids[1], ids[0]];

        using var response = await me.SendAsync(HttpMethod.Post, "/messages/batch", new { ids = request, action = "update", seen = true });
        var results = (await MailUser.ReadAsync<BatchAnswer>(response)).Results;

        Assert.Equal(request, results.Select(r => r.Id));
        Assert.Equal([true, false, false, false, true, true], results.Select(r => r.Ok));
        Assert.Equal([null, "message_not_found", "stale_message_id", "message_not_found", null, null], results.Select(r => r.Error));
    }

    [Fact]
    public async Task Batch_move_answers_new_ids_in_the_destination()
    {
        var me = await UserAsync();
        var ids = await IdsAsync(me, 5, "&uid=301:600");
        using var response = await me.SendAsync(HttpMethod.Post, "/messages/batch",
            new { ids, action = "move", mailboxId = ResourceIds.Mailbox("Archive") });
        var results = (await MailUser.ReadAsync<BatchAnswer>(response)).Results;

        Assert.All(results, r => Assert.True(r.Ok && r.NewId is not null, r.Error));
        foreach (var result in results)
        {
            Assert.True(ResourceIds.TryParseMessage(result.NewId, out var moved));
            Assert.Equal("Archive", moved.Mailbox);
            Assert.Equal(moved.Uid, (await me.GetAsync<Detail>($"/messages/{result.NewId}")).Uid);
        }
        using var imap = await me.ImapAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        var sources = ids.Select(id => ResourceIds.TryParseMessage(id, out var m) ? new UniqueId(m.Uid) : default).ToList();
        Assert.Empty(await imap.Inbox.SearchAsync(SearchQuery.Uids(sources), _ct));
    }

    [Fact]
    public async Task Bad_batches_are_400_and_a_missing_destination_404()
    {
        var me = await UserAsync();
        var ids = await IdsAsync(me, 1);
        await me.AssertProblemAsync(HttpMethod.Post, "/messages/batch", HttpStatusCode.BadRequest, "validation_failed", new { ids = Array.Empty<string>(), action = "delete" });
        await me.AssertProblemAsync(HttpMethod.Post, "/messages/batch", HttpStatusCode.BadRequest, "validation_failed", new { ids, action = "explode" });
        await me.AssertProblemAsync(HttpMethod.Post, "/messages/batch", HttpStatusCode.BadRequest, "validation_failed", new { ids, action = "update" });
        await me.AssertProblemAsync(HttpMethod.Post, "/messages/batch", HttpStatusCode.BadRequest, "validation_failed",
            new { ids = Enumerable.Repeat(ids[0], 1001), action = "delete" });
        await me.AssertProblemAsync(HttpMethod.Post, "/messages/batch", HttpStatusCode.NotFound, "mailbox_not_found",
            new { ids, action = "copy", mailboxId = ResourceIds.Mailbox("Missing") });
    }
}
