using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGateway.IntegrationTests.Webhooks;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedWebhook(
    string? Id, string? Timestamp, string? Signature, string Body, bool Verified, int AnsweredStatus,
    string? UserAgent, string? ContentType, DateTimeOffset ReceivedAt, string? Query = null)
{
    public JsonElement Event => JsonDocument.Parse(Body).RootElement;
    public string? Type => Event.TryGetProperty("type", out var t) ? t.GetString() : null;
}

/// <summary>
/// A real HTTP endpoint on a free loopback port (Kestrel). It checks every request with its OWN implementation of the
/// Standard Webhooks verification (not the gateway's signer) and answers 401 to a bad signature; otherwise it answers
/// the scripted status codes in turn, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly SemaphoreSlim _started = new(0);
    private readonly ConcurrentQueue<string> _startedIds = new();
    private volatile string[] _secrets = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>The webhook-id of every request that arrived, including ones whose sender vanished before the body was read.</summary>
    public IReadOnlyList<string> StartedIds => [.. _startedIds];
    public TimeSpan ResponseDelay { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get { lock (_received) return [.. _received]; }
    }

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>The secrets a signature may be made with (after a rotation: the new one only, or both).</summary>
    public void Trust(params string[] secrets) => _secrets = secrets;

    /// <summary>The next answers, in order (e.g. 500, 500); afterwards 200.</summary>
    public void Script(params int[] statuses)
    {
        foreach (var status in statuses)
            _script.Enqueue(status);
    }

    public void ClearScript() => _script.Clear();

    /// <summary>Completes when a request has arrived (before it is answered), e.g. to kill the sender mid-attempt.</summary>
    public async Task WaitForRequestStartAsync(TimeSpan timeout)
    {
        if (!await _started.WaitAsync(timeout))
            throw new TimeoutException($"No webhook request started within {timeout}.");
    }

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan timeout, Func<ReceivedWebhook, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var matching = Received.Where(r => match?.Invoke(r) ?? true).ToList();
            if (matching.Count >= count)
                return matching;
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} webhook request(s) within {timeout}; got {matching.Count} of {Received.Count}.");
            }
        }
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        _startedIds.Enqueue(request.Headers["webhook-id"].ToString());
        _started.Release();
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = request.Headers["webhook-timestamp"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        var verified = Verify(_secrets, id, timestamp, signature, body);
        var status = !verified ? 401 : _script.TryDequeue(out var scripted) ? scripted : 200;
        if (ResponseDelay > TimeSpan.Zero)
            await Task.Delay(ResponseDelay, request.HttpContext.RequestAborted);
        if (status is >= 300 and < 400)
            request.HttpContext.Response.Headers.Location = Url + "?redirected=1";   // a sender that follows would come back here
        lock (_received)
        {
            _received.Add(new ReceivedWebhook(id, timestamp, signature, body, verified, status,
                request.Headers.UserAgent.ToString(), request.ContentType, DateTimeOffset.UtcNow, request.QueryString.Value));
        }
        _arrived.Release();
        return Results.StatusCode(status);
    }

    /// <summary>Standard Webhooks verification, written here from the specification: any <c>v1,</c> signature in the
    /// space-separated header must equal base64(HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}")), and the
    /// timestamp must be within five minutes.</summary>
    public static bool Verify(IEnumerable<string> secrets, string id, string timestamp, string header, string body)
    {
        if (string.IsNullOrEmpty(id) || !long.TryParse(timestamp, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
            return false;
        var offered = header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Select(s => Convert.FromBase64String(s[3..])).ToList();
        foreach (var secret in secrets)
        {
            var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
            using var hmac = new HMACSHA256(key);
            var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
            if (offered.Any(o => CryptographicOperations.FixedTimeEquals(o, expected)))
                return true;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
        _started.Dispose();
    }
}
