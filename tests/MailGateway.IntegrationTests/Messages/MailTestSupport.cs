using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.IntegrationTests.Messages;

/// <summary>A registered account of one Dovecot user on the shared gateway, seeded once per test run.</summary>
public sealed record MailUser(string User, string AccountId, HttpClient Client, MailEnvironment Env)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<MailUser>>> Users = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The user's account (registered and seeded once per run; <paramref name="seed"/> runs first).</summary>
    public static Task<MailUser> GetAsync(MailEnvFixture fixture, string user, Func<MailEnvironment, Task>? seed = null) =>
        GetAsync(fixture, MailServerKind.Dovecot, user, seed);

    /// <summary>The same for a user of <paramref name="server"/> (Cyrus users are separate mailboxes with the same names).</summary>
    public static Task<MailUser> GetAsync(MailEnvFixture fixture, MailServerKind server, string user, Func<MailEnvironment, Task>? seed = null) =>
        Users.GetOrAdd($"{server}:{user}", _ => new Lazy<Task<MailUser>>(async () =>
        {
            var env = await fixture.ServerAsync(server);
            if (seed is not null) await seed(env);
            var client = fixture.App.CreateClient(user);
            var accountId = await fixture.App.RegisterAccountAsync(client, user, env);
            return new MailUser(user, accountId, client, env);
        })).Value;

    public string Api(string path) => $"/api/v1/accounts/{AccountId}{path}";

    public Task<ImapClient> ImapAsync() => Env.ConnectAsync(User, TestContext.Current.CancellationToken);

    public async Task<T> GetAsync<T>(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(Api(path), TestContext.Current.CancellationToken);
        return await ReadAsync<T>(response, expected);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, Api(path));
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
    }

    public async Task AssertProblemAsync(HttpMethod method, string path, HttpStatusCode status, string code, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        await AssertProblemAsync(response, status, code);
    }

    /// <summary>UIDs of a folder straight from IMAP, ascending.</summary>
    public static async Task<IList<UniqueId>> UidsAsync(IMailFolder folder, MailKit.Search.SearchQuery? query = null) =>
        await folder.SearchAsync(query ?? MailKit.Search.SearchQuery.All, TestContext.Current.CancellationToken);
}

public sealed record Addr(string? Name, string Address);

public record Summary(string Id, string MailboxId, uint Uid, string? MessageIdHeader, string? Subject, Addr[] From, Addr[] To, Addr[] Cc,
    DateTimeOffset? Date, DateTimeOffset? ReceivedAt, long Size, string[] Flags, bool Seen, bool Flagged, bool Answered, bool Draft,
    bool HasAttachments, string? Preview);

public sealed record Page(Summary[] Items, string? NextCursor, string State);

public sealed record Attachment(string Id, string? Filename, string ContentType, long Size, string? ContentId, bool Inline);

public sealed record Header(string Name, string Value);

public sealed record Detail(string Id, uint Uid, string? Subject, Addr[] From, string[] Flags, Header[] Headers, string? Text, string? Html,
    Attachment[] Attachments, bool HasAttachments);

public sealed record Mailbox(string Id, string Path, string Name, string? Delimiter, string? SpecialUse, bool Subscribed, int Total, int Unseen,
    uint UidValidity, uint UidNext, ulong HighestModSeq);

public sealed record NewId(string? Id);

public sealed record BatchResult(string Id, bool Ok, string? NewId, string? Error);

public sealed record BatchAnswer(BatchResult[] Results);

public sealed record ChangeSet(string State, string[] Created, string[] Updated, string[] Destroyed, bool HasMore);
