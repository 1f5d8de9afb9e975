using System.Diagnostics;
using System.Net;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Events;

/// <summary>The built gateway run as its own process on Kestrel, so a test can kill it (SIGKILL) like a crash.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, string address)
    {
        _process = process;
        Address = address;
    }

    public string Address { get; }

    /// <summary>Starts a gateway on a free port. The port is free when picked, but another server of the suite may bind
    /// it before the gateway does (Kestrel then exits with "address already in use"): then again on another port.</summary>
    public static async Task<GatewayProcess> StartAsync(MailEnvironment env, string signingKey, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (gateway, portTaken) = await TryStartAsync(env, signingKey, settings, ct);
            if (gateway is not null) return gateway;
            if (!portTaken || attempt == 3) throw new InvalidOperationException("The gateway process exited before it was healthy (see its log in gateway-logs).");
        }
    }

    private static async Task<(GatewayProcess? Gateway, bool PortTaken)> TryStartAsync(MailEnvironment env, string signingKey,
        IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(RepoRoot(), "src", "MailGateway.Api"), // content root (wwwroot, appsettings)
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MailGateway.Api.dll"));
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = address,
            ["Authentication__Provider"] = "Development",
            ["Authentication__Development__SigningKey"] = signingKey,
            ["Imap__AllowPrivateNetworks"] = "true",
            ["Imap__TrustedCertificateFiles__0"] = env.CaCertificatePath,
            ["RateLimiting__PermitsPerMinute"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        // Each process's console output (warnings and errors) is kept for diagnosing a failed multi-process test:
        // artifacts/test-results/gateway-logs, or the directory in MG_GATEWAY_LOGS.
        var logDir = Environment.GetEnvironmentVariable("MG_GATEWAY_LOGS")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "test-results", "gateway-logs"));
        Directory.CreateDirectory(logDir);
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(logDir, $"gateway-{port}.log"), append: true) { AutoFlush = true });
        var portTaken = false;
        void Keep(string? line)
        {
            if (line is null) return;
            log.WriteLine(line);
            if (line.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) Volatile.Write(ref portTaken, true);
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, address);
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct); // the output handlers have seen every line
                TestContext.Current.SendDiagnosticMessage($"The gateway process on port {port} exited with {process.ExitCode}.");
                return (null, Volatile.Read(ref portTaken));
            }
            try
            {
                using var response = await http.GetAsync(address + "/health/live", ct);
                if (response.StatusCode == HttpStatusCode.OK) return (gateway, false);
            }
            catch (HttpRequestException) { }
            await Task.Delay(100, ct);
        }
        await gateway.DisposeAsync();
        throw new TimeoutException("The gateway process did not become healthy.");
    }

    /// <summary>SIGKILL: no graceful shutdown, no lease release.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a graceful shutdown (the instance leaves the cluster and hands its watches over); SIGKILL after
    /// <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { await KillAsync(); }
    }

    /// <summary>SIGSTOP (<paramref name="freeze"/>) or SIGCONT: a process that stops answering, heartbeating and renewing
    /// (a long GC pause, a stalled VM) and may come back.</summary>
    public async Task SignalFreezeAsync(bool freeze)
    {
        using var kill = Process.Start("kill", [freeze ? "-STOP" : "-CONT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static int FreePort() => FreePorts.Next();

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("MailGateway.sln not found above the test binaries.");
    }
}
