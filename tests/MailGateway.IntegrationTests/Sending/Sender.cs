using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>A Dovecot user of the Postfix environment, registered on a gateway with SMTP settings (STARTTLS submission).</summary>
public sealed record Sender(string User, string AccountId, HttpClient Client, MailEnvironment Env)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Email => MailEnvironment.EmailOf(User);

    public string Api(string path) => $"/api/v1/accounts/{AccountId}{path}";

    public static object Body(MailEnvironment env, string user, object? smtp = null, string[]? aliases = null) => new
    {
        displayName = $"{user} (sending)",
        email = MailEnvironment.EmailOf(user),
        imap = new { host = env.Host, port = env.ImapsPort, security = "tls", username = user, password = MailEnvironment.PasswordOf(user) },
        smtp = smtp ?? new { host = env.Host, port = env.SmtpPort, security = "starttls" },
        aliases,
    };

    public static async Task<Sender> RegisterAsync(MailEnvFixture fixture, string user, GatewayApp? app = null, string[]? aliases = null)
    {
        var env = await fixture.PostfixAsync();
        app ??= fixture.App;
        var client = app.CreateClient(user);
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", Body(env, user, aliases: aliases), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Registering {user} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return new Sender(user, json.RootElement.GetProperty("id").GetString()!, client, env);
    }

    public async Task<HttpResponseMessage> SendAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api("/send")) { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends and answers the submission id (asserting 202).</summary>
    public async Task<string> SubmitAsync(object body, string? idempotencyKey = null)
    {
        using var response = await SendAsync(body, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> SubmissionAsync(string id)
    {
        using var response = await Client.GetAsync(Api($"/outbox/{id}"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"outbox answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    /// <summary>Polls the submission until its state is final (or <paramref name="state"/>), at most <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForStateAsync(string id, string state, TimeSpan? timeout = null, Func<JsonElement, bool>? also = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var submission = await SubmissionAsync(id);
            var current = submission.GetProperty("state").GetString();
            var reached = current == state && (also is null || also(submission));
            if (reached || DateTime.UtcNow > until)
            {
                Assert.True(reached, $"Expected {state}{(also is null ? "" : " and the test's condition")}: {submission}");
                return submission;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Appends <paramref name="message"/> to this user's INBOX and answers its gateway message id.</summary>
    public async Task<string> AppendToInboxAsync(MimeKit.MimeMessage message)
    {
        var ct = TestContext.Current.CancellationToken;
        var uid = await Env.AppendAsync(User, "INBOX", message, ct);
        using var imap = await Env.ConnectAsync(User, ct);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, ct);
        return MailGateway.Api.Shared.ResourceIds.Message(new MailGateway.Imap.MessageRef("INBOX", imap.Inbox.UidValidity, uid));
    }

    public static object Message(string from, string to, string marker, object? extra = null) => new
    {
        from = new { address = from },
        to = new[] { new { address = to } },
        subject = $"sending {marker}",
        text = $"hello {marker}",
    };
}
