using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Testing;

namespace MailGateway.Bench;

/// <summary>An HTTP client of the gateway that signs in as one user and registers the benchmark account.</summary>
internal sealed class GatewayClient : IDisposable
{
    public GatewayClient(Uri baseAddress, string token)
    {
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Http { get; }

    public async Task<string> RegisterAccountAsync(MailEnvironment env, string user, CancellationToken cancellationToken)
    {
        var body = new
        {
            displayName = $"bench {user}",
            email = $"{user}@example.test",
            imap = new { host = env.Host, port = env.ImapsPort, security = "tls", username = user, password = MailEnvironment.PasswordOf(user) },
        };
        using var response = await Http.PostAsJsonAsync("api/v1/accounts", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"account registration answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>GETs a URL, reads the whole body and fails on anything but 2xx.</summary>
    public async Task GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await stream.CopyToAsync(Stream.Null, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{url} answered {(int)response.StatusCode}");
    }

    /// <summary>POSTs a JSON body, reads the whole answer and fails on anything but 2xx.</summary>
    public async Task PostJsonAsync(string url, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(url, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || text.Contains("\"errors\"", StringComparison.Ordinal))
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}: {text[..Math.Min(200, text.Length)]}");
    }

    public void Dispose() => Http.Dispose();
}
