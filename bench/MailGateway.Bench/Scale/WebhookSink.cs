using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MailGateway.Bench.Scale;

/// <summary>The scale run's webhook receiver: records when each subject was first delivered (deliveries with a
/// webhook-id already seen are counted as duplicates, a repeated subject with a new id too).</summary>
internal sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
    private int _duplicates;

    public WebhookSink()
    {
        Port = GatewayProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        for (var i = 0; i < 8; i++) _ = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    /// <summary>Subject → timestamp (<see cref="Stopwatch.GetTimestamp"/>) of its first delivery.</summary>
    public ConcurrentDictionary<string, long> Delivered { get; } = new(StringComparer.Ordinal);

    public int Duplicates => Volatile.Read(ref _duplicates);

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var at = Stopwatch.GetTimestamp();
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                using var body = JsonDocument.Parse(await reader.ReadToEndAsync());
                var subject = body.RootElement.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString() ?? "";
                if (!_ids.TryAdd(context.Request.Headers["webhook-id"] ?? Guid.NewGuid().ToString(), 0) || !Delivered.TryAdd(subject, at))
                    Interlocked.Increment(ref _duplicates);
                context.Response.StatusCode = 200;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
