using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MailGateway.Bench;

/// <summary>The gateway as a separate process (the way it runs in production), so its RSS and start-up
/// time are its own and the load generator does not share its thread pool.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, Uri baseAddress, TimeSpan startup)
    {
        _process = process;
        BaseAddress = baseAddress;
        StartupTime = startup;
    }

    public Uri BaseAddress { get; }
    public TimeSpan StartupTime { get; }
    public int ProcessId => _process.Id;

    /// <summary>Starts the build output and waits for /health/ready.</summary>
    public static Task<GatewayProcess> StartAsync(string repoRoot, IDictionary<string, string> settings, CancellationToken cancellationToken) =>
        StartDllAsync(Path.Combine(repoRoot, "artifacts", "bin", "MailGateway.Api", "release", "MailGateway.Api.dll"), settings, cancellationToken);

    /// <summary>Starts <paramref name="dll"/> (the build output or e.g. a published copy) and waits for /health/ready.</summary>
    public static async Task<GatewayProcess> StartDllAsync(string dll, IDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is missing: build with 'dotnet build MailGateway.sln -c Release' first.");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var started = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[gateway] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"the gateway exited with {process.ExitCode}");
            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    return new GatewayProcess(process, baseAddress, started.Elapsed);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            await Task.Delay(10, cancellationToken);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the gateway did not become ready within 60 s");
    }

    /// <summary>CPU time (user + system) the process has used so far, from /proc/PID/stat (clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on: utime is the 14th, stime the 15th
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident set size now, in MiB (from /proc).</summary>
    public double RssMiB() => ReadStatusKiB("VmRSS:") / 1024.0;

    /// <summary>Peak resident set size since the last <see cref="ResetPeakRss"/>, in MiB.</summary>
    public double PeakRssMiB() => ReadStatusKiB("VmHWM:") / 1024.0;

    /// <summary>Resets the kernel's peak-RSS mark (writing 5 to clear_refs), so a later peak belongs to one operation.</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    /// <summary>The process's threads now (from /proc).</summary>
    public int Threads() => (int)ReadStatusKiB("Threads:");

    /// <summary>The process's open file descriptors (sockets included) now.</summary>
    public int OpenFiles() => Directory.GetFiles($"/proc/{_process.Id}/fd").Length;

    private long ReadStatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
