using System.Net;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;
using MailGateway.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Issue 11 item 9 on the sending path: one user's hanging SMTP server or backlog must not stall anyone else's
/// mail (Sending:Concurrency loops, one submission per user in flight per instance), and a user's outbox is capped
/// (Sending:MaxPendingPerUser, 429 too_many_pending_submissions on REST and GraphQL over HTTP and WebSocket). Redis outbox and in-memory outbox.</summary>
public sealed class SendingFairnessTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GatewayApp Start(bool redis, params (string Key, string Value)[] settings) => fixture.CreateApp(o =>
    {
        o.UseRedis = redis;
        // An outbox of its own: another class's gateways must not claim (and hang on) these submissions.
        if (redis) fixture.RedisNamespaceFor(typeof(SendingFairnessTests)).ApplyTo(o.Settings);
        o.Settings["Sending:PollInterval"] = "00:00:00.200";
        foreach (var (key, value) in settings) o.Settings[key] = value;
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_user_whose_smtp_server_hangs_does_not_delay_another_users_mail(bool redis)
    {
        using var hanging = new HangingSmtpServer();
        // A hanging server holds a sender for the whole connect timeout: two minutes here, far beyond the bound below.
        await using var app = Start(redis, ("Imap:ConnectTimeout", "00:02:00"), ("Smtp:IdleTimeout", "00:00:00"));
        var a = await Sender.RegisterAsync(fixture, "user41", app);
        var b = await Sender.RegisterAsync(fixture, "user42", app);
        // From now on A's SMTP server hangs (stored directly: a PATCH would verify the login against it).
        var store = app.Services.GetRequiredService<IAccountStore>();
        var account = (await store.GetAsync(a.AccountId, Ct))!;
        await store.SaveAsync(account with { Smtp = account.Smtp! with { Port = hanging.Port } }, Ct);

        // More of A's submissions than the instance has sender loops (Sending:Concurrency, 4), all due before B's.
        var stuck = new List<string>();
        for (var i = 0; i < 6; i++)
            stuck.Add(await a.SubmitAsync(Sender.Message(a.Email, MailEnvironment.EmailOf("user43"), $"stuck {i} {Guid.NewGuid():N}")));
        await a.WaitForStateAsync(stuck[0], "sending");

        var marker = Guid.NewGuid().ToString("N");
        var id = await b.SubmitAsync(Sender.Message(b.Email, MailEnvironment.EmailOf("user43"), marker));
        await b.WaitForStateAsync(id, "sent", TimeSpan.FromSeconds(45));
        Assert.Single(await b.Env.WaitForMessageAsync("user43", "INBOX", "Subject", marker, TimeSpan.FromSeconds(60), Ct));

        // One of A's in flight on this instance, the rest waiting: A holds one sender, not all of them.
        Assert.Equal(1, hanging.Connections);
        var states = new List<string?>();
        foreach (var s in stuck) states.Add((await a.SubmissionAsync(s)).GetProperty("state").GetString());
        Assert.Equal(1, states.Count(s => s == "sending"));
        Assert.Equal(5, states.Count(s => s == "queued"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_user_with_max_pending_submissions_gets_429_on_rest_and_graphql_http_and_websocket(bool redis)
    {
        await using var app = Start(redis, ("Sending:MaxPendingPerUser", "2"));
        var me = await Sender.RegisterAsync(fixture, "user44", app);
        object Later(string marker) => new
        {
            to = new[] { new { address = MailEnvironment.EmailOf("user45") } },
            subject = marker,
            text = "later",
            sendAt = DateTimeOffset.UtcNow.AddHours(1),
        };
        // Scheduled submissions are pending too.
        var first = await me.SubmitAsync(Later("one"));
        await me.SubmitAsync(Later("two"));

        using var refused = await me.SendAsync(Later("three"));
        await MailUser.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "too_many_pending_submissions");
        Assert.NotNull(refused.Headers.RetryAfter);
        const string send = "mutation($accountId: ID!, $input: SendMessageInput!) { sendMessage(accountId: $accountId, input: $input) { id } }";
        var variables = new { accountId = me.AccountId, input = new { to = new[] { new { address = MailEnvironment.EmailOf("user45") } }, text = "x" } };
        Assert.Equal("too_many_pending_submissions", await GraphQLCalls.ErrorCodeAsync(me.Client, send, variables, Ct));
        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: Ct))
        {
            await socket.InitAsync(me.Client.DefaultRequestHeaders.Authorization!.Parameter!, Ct);
            await socket.ExpectAsync("connection_ack", Ct);
            await socket.SendAsync(new { id = "send", type = "subscribe", payload = new { query = send, variables } }, Ct);
            var next = await socket.ExpectAsync("next", Ct);
            Assert.Equal("too_many_pending_submissions",
                next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }

        // A finished (here: canceled) submission no longer counts.
        using var cancel = await me.Client.DeleteAsync(me.Api($"/outbox/{first}"), Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await me.SubmitAsync(Later("four"));
    }
}
