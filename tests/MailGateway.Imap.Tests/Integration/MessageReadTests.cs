using MailGateway.Imap.Tests.Infrastructure;
using MailKit;
using MailKit.Search;

namespace MailGateway.Imap.Tests.Integration;

public sealed class MessageReadTests(ImapEnvironment fixture)
{
    private const string User = "user61";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool _seeded;

    private async Task SeedAsync()
    {
        await Seeded.WaitAsync(Ct);
        try
        {
            if (_seeded) return;
            await fixture.Env.SeedAsync(User, 130, Ct);
            _seeded = true;
        }
        finally
        {
            Seeded.Release();
        }
    }

    [Fact]
    public async Task Pages_are_newest_first_and_the_cursor_walks_every_message_once()
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        using var check = await fixture.Env.ConnectAsync(User, Ct);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var expected = (await check.Inbox.SearchAsync(SearchQuery.All, Ct)).Select(u => u.Id).OrderDescending().ToList();

        var seen = new List<uint>();
        uint? cursor = null;
        var pages = 0;
        do
        {
            var page = await session.ListMessagesAsync("INBOX", new MessageQuery { Limit = 50, BeforeUid = cursor }, Ct);
            Assert.Equal(check.Inbox.UidValidity, page.State.UidValidity);
            seen.AddRange(page.Items.Select(i => i.Uid));
            cursor = page.NextBeforeUid;
            pages++;
        } while (cursor is not null);
        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 49) / 50, pages);
    }

    [Fact]
    public async Task Summaries_carry_envelope_flags_size_and_preview()
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var page = await session.ListMessagesAsync("INBOX", new MessageQuery { Limit = 20 }, Ct);
        using var check = await fixture.Env.ConnectAsync(User, Ct);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var independent = (await check.Inbox.FetchAsync(page.Items.Select(i => new UniqueId(i.Uid)).ToList(),
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size, Ct))
            .ToDictionary(s => s.UniqueId.Id);
        foreach (var item in page.Items)
        {
            var other = independent[item.Uid];
            Assert.Equal(other.Envelope!.Subject, item.Subject);
            Assert.Equal((long)other.Size!.Value, item.Size);
            Assert.Equal(other.Flags!.Value.HasFlag(MessageFlags.Seen), item.Seen);
            Assert.Equal(other.Envelope.From.Mailboxes.First().Address, item.From[0].Address);
            Assert.NotNull(item.ReceivedAt);
            Assert.True(item.ModSeq > 0);
        }
        Assert.Contains(page.Items, i => i.Preview is { Length: > 0 });
    }

    [Fact]
    public async Task Filters_go_through_the_search_model()
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        using var check = await fixture.Env.ConnectAsync(User, Ct);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);

        var unseen = await session.ListMessagesAsync("INBOX", new MessageQuery { Unseen = true, Limit = 200 }, Ct);
        var expectedUnseen = await check.Inbox.SearchAsync(SearchQuery.NotSeen, Ct);
        Assert.Equal(expectedUnseen.Select(u => u.Id).OrderDescending(), unseen.Items.Select(i => i.Uid));

        var flagged = await session.ListMessagesAsync("INBOX", new MessageQuery { Flagged = true, Unseen = false, Limit = 200 }, Ct);
        var expectedFlagged = await check.Inbox.SearchAsync(SearchQuery.Flagged.And(SearchQuery.Seen), Ct);
        Assert.Equal(expectedFlagged.Count, flagged.Items.Count);

        var marker = await session.ListMessagesAsync("INBOX", new MessageQuery { HeaderName = "X-Mailenv-Kind", HeaderValue = "body-50k" }, Ct);
        Assert.Single(marker.Items);
        var larger = await session.ListMessagesAsync("INBOX", new MessageQuery { Larger = 40_000, Limit = 200 }, Ct);
        Assert.Contains(larger.Items, i => i.Uid == marker.Items[0].Uid);
        Assert.All(larger.Items, i => Assert.True(i.Size > 40_000));

        var newest = unseen.Items.Count > 0 ? unseen.Items[0] : marker.Items[0];
        var bySubject = await session.ListMessagesAsync("INBOX", new MessageQuery { Subject = newest.Subject![..Math.Min(8, newest.Subject!.Length)], Limit = 200 }, Ct);
        Assert.Contains(bySubject.Items, i => i.Uid == newest.Uid);

        var withAttachments = await session.ListMessagesAsync("INBOX", new MessageQuery { HasAttachment = true, Limit = 200 }, Ct);
        Assert.NotEmpty(withAttachments.Items);
        Assert.All(withAttachments.Items, i => Assert.True(i.HasAttachments));

        var since = DateTimeOffset.UtcNow.AddDays(-20);
        var recent = await session.ListMessagesAsync("INBOX", new MessageQuery { Since = since, Limit = 200 }, Ct);
        Assert.All(recent.Items, i => Assert.True(i.ReceivedAt >= since.AddSeconds(-1), $"{i.ReceivedAt} < {since}"));
        var older = await session.ListMessagesAsync("INBOX", new MessageQuery { Before = since, Limit = 200 }, Ct);
        Assert.All(older.Items, i => Assert.True(i.ReceivedAt < since.AddSeconds(1)));
        Assert.Equal(check.Inbox.Count, recent.Items.Count + older.Items.Count);

        var range = await session.ListMessagesAsync("INBOX", new MessageQuery { MinUid = 5, MaxUid = 9, Limit = 200 }, Ct);
        Assert.Equal([9u, 8u, 7u, 6u, 5u], range.Items.Select(i => i.Uid));

        var paged = await session.ListMessagesAsync("INBOX", new MessageQuery { Unseen = false, Limit = 10 }, Ct);
        Assert.NotNull(paged.NextBeforeUid);
        var second = await session.ListMessagesAsync("INBOX", new MessageQuery { Unseen = false, Limit = 10, BeforeUid = paged.NextBeforeUid }, Ct);
        Assert.All(second.Items, i => Assert.True(i.Uid < paged.NextBeforeUid));
    }

    [Theory]
    [InlineData("quote\" OR ALL")]
    [InlineData("{5}\r\nHELLO")]
    [InlineData("{5}")]
    [InlineData("line\nbreak")]
    [InlineData("Grüße 日本語 Ελληνικά")]
    [InlineData(") UID 1:* (")]
    public async Task Hostile_search_text_is_searched_literally_or_refused_and_the_connection_stays_usable(string text)
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        try
        {
            var page = await session.ListMessagesAsync("INBOX", new MessageQuery { Subject = text, From = text, Limit = 200 }, Ct);
            Assert.Empty(page.Items);
        }
        catch (ImapOperationException)
        {
            Assert.Contains('\n', text);
        }
        var after = await session.ListMessagesAsync("INBOX", new MessageQuery { Limit = 5 }, Ct);
        Assert.Equal(5, after.Items.Count);
    }

    [Fact]
    public async Task A_10_kB_search_string_is_sent_as_a_literal_and_finds_nothing()
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var page = await session.ListMessagesAsync("INBOX", new MessageQuery { Text = new string('x', 10_000) + "\"*{5}", Limit = 10 }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(10, (await session.ListMessagesAsync("INBOX", new MessageQuery { Limit = 10 }, Ct)).Items.Count);
        await Assert.ThrowsAsync<ImapOperationException>(() => session.ListMessagesAsync("INBOX", new MessageQuery { Text = new string('x', 20_000) }, Ct));
        await Assert.ThrowsAsync<ImapOperationException>(() => session.ListMessagesAsync("INBOX", new MessageQuery { Keyword = "bad keyword" }, Ct));
        await Assert.ThrowsAsync<ImapOperationException>(() => session.ListMessagesAsync("INBOX", new MessageQuery { HeaderName = "X-A:\r\nB", HeaderValue = "v" }, Ct));
    }

    [Fact]
    public async Task A_single_part_quoted_printable_message_is_decoded()
    {
        await SeedAsync();
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var marker = await session.ListMessagesAsync("INBOX", new MessageQuery { HeaderName = "X-Mailenv-Kind", HeaderValue = "body-50k" }, Ct);
        var detail = await session.GetMessageAsync(Assert.Single(marker.Items).Ref, true, Ct);
        Assert.True(detail.Text?.Length > 20_000);
        Assert.DoesNotContain("=\r\n", detail.Text, StringComparison.Ordinal);
        Assert.Empty(detail.Attachments);
        Assert.Equal(detail.Summary.MessageIdHeader, detail.Headers.First(h => h.Key.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).Value.Trim());
    }

    [Fact]
    public async Task A_message_is_read_with_headers_text_sanitized_html_and_attachments()
    {
        var content = TestMessages.RandomBytes(3000);
        var uid = await fixture.Env.AppendAsync(User, "Archive", TestMessages.WithAttachment("with attachment", content), Ct);
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var state = await session.GetStateAsync("Archive", Ct);
        var detail = await session.GetMessageAsync(new MessageRef("Archive", state.UidValidity, uid), true, Ct);
        Assert.Equal("with attachment", detail.Summary.Subject);
        Assert.Contains(detail.Headers, h => h.Key == "Subject");
        Assert.Equal("plain body", detail.Text?.Trim());
        Assert.Contains("<b>attached</b>", detail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("script", detail.Html, StringComparison.OrdinalIgnoreCase);
        var attachment = Assert.Single(detail.Attachments);
        Assert.Equal("data.bin", attachment.FileName);
        Assert.False(attachment.Inline);
        Assert.True(detail.Summary.HasAttachments);

        var raw = await session.GetMessageAsync(new MessageRef("Archive", state.UidValidity, uid), false, Ct);
        Assert.Contains("<script>", raw.Html, StringComparison.Ordinal);

        await Assert.ThrowsAsync<MessageNotFoundException>(() => session.GetMessageAsync(new MessageRef("Archive", state.UidValidity, uid + 1000), true, Ct));
        await Assert.ThrowsAsync<StaleMessageException>(() => session.GetMessageAsync(new MessageRef("Archive", state.UidValidity + 1, uid), true, Ct));
        var summaries = await session.GetSummariesAsync("Archive", state.UidValidity, [uid, uid + 1000], Ct);
        Assert.Equal(uid, Assert.Single(summaries).Uid);
    }
}
