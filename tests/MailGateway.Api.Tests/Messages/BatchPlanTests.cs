using MailGateway.Api.Messages;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

public class BatchPlanTests
{
    private static string Id(string mailbox, uint validity, uint uid) => ResourceIds.Message(new MessageRef(mailbox, validity, uid));

    [Fact]
    public void Groups_ids_by_mailbox_and_uidvalidity_with_distinct_sorted_uids()
    {
        var plan = BatchPlan.Create([Id("INBOX", 1, 9), Id("INBOX", 1, 3), Id("Archive", 1, 3), Id("INBOX", 2, 4), Id("INBOX", 1, 9)]);

        Assert.Equal(3, plan.Groups.Count);
        Assert.Equal([3u, 9u], plan.Groups.Single(g => g is { Mailbox: "INBOX", UidValidity: 1 }).Uids);
        Assert.Equal([3u], plan.Groups.Single(g => g.Mailbox == "Archive").Uids);
        Assert.Equal([4u], plan.Groups.Single(g => g.UidValidity == 2).Uids);
    }

    [Fact]
    public void Answers_every_id_in_request_order_including_malformed_and_duplicates()
    {
        string[] ids = [Id("INBOX", 1, 1), "garbage", Id("INBOX", 1, 2), Id("INBOX", 1, 1)];
        var plan = BatchPlan.Create(ids);
        var outcomes = new Dictionary<MessageRef, BatchOutcome>
        {
            [new("INBOX", 1, 1)] = new(null, "new-1"),
            [new("INBOX", 1, 2)] = new("stale_message_id"),
        };

        var results = plan.Answer(outcomes);

        Assert.Equal(ids, results.Select(r => r.Id));
        Assert.Equal(new BatchItemResult(ids[0], true, "new-1"), results[0]);
        Assert.Equal(new BatchItemResult("garbage", false, Error: "message_not_found"), results[1]);
        Assert.Equal(new BatchItemResult(ids[2], false, Error: "stale_message_id"), results[2]);
        Assert.Equal(results[0] with { Id = ids[3] }, results[3]);
    }

    [Fact]
    public void Refuses_empty_and_oversized_batches()
    {
        Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => BatchPlan.Create([])).Code);
        Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => BatchPlan.Create(null)).Code);
        var tooMany = Enumerable.Range(1, 1001).Select(i => Id("INBOX", 1, (uint)i)).ToList();
        Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => BatchPlan.Create(tooMany)).Code);
        Assert.Single(BatchPlan.Create(tooMany[..1000]).Groups);
    }

    [Theory]
    [InlineData("update", BatchAction.Update)]
    [InlineData("MOVE", BatchAction.Move)]
    [InlineData("copy", BatchAction.Copy)]
    [InlineData("Delete", BatchAction.Delete)]
    public void Parses_actions(string action, BatchAction expected) => Assert.Equal(expected, BatchPlan.ParseAction(action));

    [Fact]
    public void Refuses_unknown_actions() =>
        Assert.Equal("validation_failed", Assert.Throws<MailApiException>(() => BatchPlan.ParseAction("explode")).Code);
}
