using System.Net;
using System.Net.Http.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Abuse limits and cancel, on a gateway without Redis (so the in-memory outbox is exercised too).</summary>
public sealed class SendingLimitTests(MailEnvFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(GatewayApp App, Sender Me)> StartAsync(string user, params (string Key, string Value)[] settings)
    {
        var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            foreach (var (key, value) in settings) o.Settings[key] = value;
        });
        var env = await fixture.PostfixAsync();
        var client = app.CreateClient(user);
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Sender.Body(env, user), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString()!;
        return (app, new Sender(user, id, client, env));
    }

    [Fact]
    public async Task The_hourly_budget_answers_429_with_retry_after()
    {
        var (app, me) = await StartAsync("user125", ("Sending:MessagesPerHour", "1"));
        await using var _ = app;
        var id = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user126"), Guid.NewGuid().ToString("N")));
        using var second = await me.SendAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user126"), "again"));
        await MailUser.AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "send_limit_exceeded");
        Assert.NotNull(second.Headers.RetryAfter);
        await me.WaitForStateAsync(id, "sent");
    }

    [Fact]
    public async Task Too_many_recipients_or_bytes_answer_429()
    {
        var (app, me) = await StartAsync("user127", ("Sending:MaxRecipients", "1"), ("Sending:MaxMessageBytes", "2048"));
        await using var _ = app;
        using var many = await me.SendAsync(new
        {
            to = new[] { new { address = MailEnvironment.EmailOf("user128") }, new { address = MailEnvironment.EmailOf("user129") } },
            text = "two",
        });
        await MailUser.AssertProblemAsync(many, HttpStatusCode.TooManyRequests, "send_limit_exceeded");
        using var big = await me.SendAsync(new { to = new[] { new { address = MailEnvironment.EmailOf("user128") } }, text = new string('x', 5000) });
        await MailUser.AssertProblemAsync(big, HttpStatusCode.TooManyRequests, "send_limit_exceeded");
    }

    [Fact]
    public async Task A_scheduled_submission_can_be_canceled_and_is_never_sent()
    {
        var (app, me) = await StartAsync("user130");
        await using var _ = app;
        var marker = Guid.NewGuid().ToString("N");
        var id = await me.SubmitAsync(new
        {
            to = new[] { new { address = MailEnvironment.EmailOf("user131") } },
            subject = marker,
            text = "later",
            sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        Assert.Equal("scheduled", (await me.SubmissionAsync(id)).GetProperty("state").GetString());
        using var cancel = await me.Client.DeleteAsync(me.Api($"/outbox/{id}"), Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("canceled", (await me.SubmissionAsync(id)).GetProperty("state").GetString());
        using var again = await me.Client.DeleteAsync(me.Api($"/outbox/{id}"), Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // canceling a canceled submission changes nothing
        using var list = await me.Client.GetAsync(me.Api("/outbox"), Ct);
        Assert.Contains(id, await list.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
