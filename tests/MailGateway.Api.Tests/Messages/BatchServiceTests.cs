using System.Security.Claims;
using MailGateway.Api.Messages;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.Messages;

/// <summary>Batch orchestration over a recording session (no IMAP here: the real thing is in the integration tests).</summary>
public class BatchServiceTests
{
    private static readonly Caller Me = Caller.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "me")], "test")));

    private static string Id(string mailbox, uint validity, uint uid) => ResourceIds.Message(new MessageRef(mailbox, validity, uid));

    [Fact]
    public async Task Issues_one_call_per_mailbox_and_uidvalidity_and_answers_per_id()
    {
        var session = new RecordingSession { StaleValidity = 9 };
        var service = new MessageService(new MailAccess(new OneAccount(), new OnePool(session)));
        var ids = Enumerable.Range(1, 600).Select(i => Id("INBOX", 1, (uint)i))
            .Concat(Enumerable.Range(1, 398).Select(i => Id("Archive", 1, (uint)i)))
            .Append(Id("INBOX", 9, 5)).Append("junk").ToList();

        var response = await service.BatchAsync(Me, "acc", new BatchRequest(ids, "update", Seen: true), TestContext.Current.CancellationToken);

        Assert.Equal(3, session.UpdateCalls.Count);
        Assert.Equal(600, session.UpdateCalls.Single(c => c.Mailbox == "INBOX" && c.Validity == 1).Uids.Count);
        Assert.Equal(998, response.Results.Count(r => r.Ok));
        Assert.Equal("stale_message_id", response.Results[^2].Error);
        Assert.Equal("message_not_found", response.Results[^1].Error);
    }

    [Fact]
    public async Task Messages_already_flagged_count_as_done_and_vanished_ones_as_not_found()
    {
        var session = new RecordingSession { Changed = [1], Existing = [2] };
        var service = new MessageService(new MailAccess(new OneAccount(), new OnePool(session)));
        string[] ids = [Id("INBOX", 1, 1), Id("INBOX", 1, 2), Id("INBOX", 1, 3)];

        var response = await service.BatchAsync(Me, "acc", new BatchRequest(ids, "update", Flagged: true), TestContext.Current.CancellationToken);

        Assert.Equal([true, true, false], response.Results.Select(r => r.Ok));
        Assert.Equal("message_not_found", response.Results[2].Error);
        // One call for the group; making just-arrived messages visible is the IMAP session's job (a sync point
        // before it touches a UID newer than it has seen), not a retry up here.
        Assert.Equal(0, session.StateCalls);
        Assert.Single(session.UpdateCalls);
        Assert.Equal([1u, 2u, 3u], session.UpdateCalls[0].Uids);
    }

    [Fact]
    public async Task Move_without_destination_is_refused_before_any_imap_work()
    {
        var session = new RecordingSession();
        var service = new MessageService(new MailAccess(new OneAccount(), new OnePool(session)));
        var e = await Assert.ThrowsAsync<MailApiException>(() =>
            service.BatchAsync(Me, "acc", new BatchRequest([Id("INBOX", 1, 1)], "move"), TestContext.Current.CancellationToken));
        Assert.Equal("validation_failed", e.Code);
        Assert.Empty(session.UpdateCalls);
    }

    [Fact]
    public async Task An_unknown_account_is_account_not_found()
    {
        var service = new MessageService(new MailAccess(new OneAccount(), new OnePool(new RecordingSession())));
        var e = await Assert.ThrowsAsync<MailApiException>(() =>
            service.BatchAsync(Me, "other", new BatchRequest([Id("INBOX", 1, 1)], "delete"), TestContext.Current.CancellationToken));
        Assert.Equal((404, "account_not_found"), (e.Status, e.Code));
    }

    private sealed class OneAccount : IAccountAccess
    {
        private static readonly Account Acc = new()
        {
            Id = "acc", OwnerId = "me", DisplayName = "A", Email = "a@b.c", Host = "h", Port = 993,
            Security = ImapSecurity.Tls, Username = "u", CredentialStamp = "s",
        };

        public Task<Account?> FindAsync(Caller caller, string accountId, CancellationToken cancellationToken = default) =>
            Task.FromResult(accountId == "acc" ? Acc : null);

        public Task<IReadOnlyList<Account>> ListAsync(Caller caller, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Account>>([Acc]);
    }

    private sealed class OnePool(IImapSession session) : IImapSessionPool
    {
        public ValueTask<IImapSession> RentAsync(ImapAccount account, CancellationToken cancellationToken = default) => ValueTask.FromResult(session);
        public Task VerifyAsync(ImapAccount account, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public ValueTask ResetAsync(string accountId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public AccountConnectionStatus GetStatus(string accountId) => new(AccountConnectionState.Connected, null, null);
    }
}
