using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>N gateway processes on the fixture's Redis Cluster and Dovecot, with an owner client and an admin client
/// per process. Processes can be killed (SIGKILL), stopped (SIGTERM) and started again.</summary>
internal sealed class ScaleCluster : IAsyncDisposable
{
    private readonly RedisClusterFixture _fixture;
    private readonly Dictionary<string, string> _settings;

    private ScaleCluster(RedisClusterFixture fixture, Dictionary<string, string> settings)
    {
        _fixture = fixture;
        _settings = settings;
    }

    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(4);
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));
    public List<GatewayProcess?> Instances { get; } = [];
    public MailEnvironment Env => _fixture.Env;

    public static async Task<ScaleCluster> StartAsync(RedisClusterFixture fixture, int count, CancellationToken ct,
        IDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = fixture.Seeds,
            ["Events:LeaseTtl"] = $"00:00:{LeaseTtl.TotalSeconds:00}",
            ["Events:DemandTtl"] = "00:00:04",
            ["Events:SupervisorInterval"] = "00:00:00.250",
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        var cluster = new ScaleCluster(fixture, settings);
        try
        {
            var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cluster.LaunchAsync(ct)));
            cluster.Instances.AddRange(started);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private Task<GatewayProcess> LaunchAsync(CancellationToken ct) => GatewayProcess.StartAsync(Env, SigningKey, _settings, ct);

    /// <summary>Starts instance <paramref name="index"/> again (a new process, a new instance id).</summary>
    public async Task RestartAsync(int index, CancellationToken ct) => Instances[index] = await LaunchAsync(ct);

    public HttpClient Client(int index, string subject, bool admin = false)
    {
        var http = new HttpClient { BaseAddress = new Uri(Instances[index]!.Address), Timeout = TimeSpan.FromSeconds(100) };
        var token = DevTokens.Create(SigningKey, subject, roles: admin ? ["MailGateway.Admin"] : null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Registers Dovecot users as accounts of <paramref name="owner"/> (a few at a time) and returns their ids.</summary>
    public async Task<List<string>> RegisterAsync(string owner, IReadOnlyList<string> users, CancellationToken ct)
    {
        using var http = Client(0, owner);
        using var gate = new SemaphoreSlim(6);
        var ids = await Task.WhenAll(users.Select(async user =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var body = new
                {
                    displayName = user, email = $"{user}@example.test",
                    imap = new { host = Env.Host, port = Env.ImapsPort, security = "tls", username = user, password = MailEnvironment.PasswordOf(user) },
                };
                using var response = await http.PostAsJsonAsync("/api/v1/accounts", body, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                Assert.True(response.IsSuccessStatusCode, $"registering {user}: {(int)response.StatusCode} {text}");
                return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
            }
            finally { gate.Release(); }
        }));
        return [.. ids];
    }

    /// <summary>GET /api/v1/admin/instances through a live instance: instance id → accounts watched.</summary>
    public async Task<Dictionary<string, int>> WatchedAsync(CancellationToken ct)
    {
        var index = Instances.FindIndex(i => i is not null);
        using var http = Client(index, "scale-admin", admin: true);
        var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/admin/instances", ct);
        return list.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("accountsWatched").GetInt32());
    }

    /// <summary>Polls the operator view until <paramref name="done"/> holds (or fails after <paramref name="timeout"/>).</summary>
    public async Task<Dictionary<string, int>> WaitForWatchedAsync(Func<Dictionary<string, int>, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var last = new Dictionary<string, int>();
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(200, ct))
        {
            try { last = await WatchedAsync(ct); }
            catch (HttpRequestException) { continue; }
            if (done(last)) return last;
        }
        Assert.Fail("Watch distribution never settled: " + string.Join(", ", last.Select(p => $"{p.Key}={p.Value}")));
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
            if (instance is not null) await instance.DisposeAsync();
    }
}
