using System.Diagnostics;

namespace MailGateway.Testing;

/// <summary>
/// The Cyrus imapd/idled binaries without installing <c>cyrus-imapd</c> (it conflicts with <c>dovecot-imapd</c>):
/// the .deb of the installed <c>cyrus-common</c> version is downloaded once and extracted into a cache directory.
/// </summary>
internal static class CyrusPackage
{
    public const string MasterPath = "/usr/lib/cyrus/bin/master";

    /// <summary>The extracted package root (holding <c>usr/lib/cyrus/bin/imapd</c>), downloading it on first use.</summary>
    public static string EnsureExtracted()
    {
        if (!File.Exists(MasterPath) || !File.Exists("/usr/sbin/saslpasswd2") && !File.Exists("/usr/bin/saslpasswd2"))
        {
            throw new InvalidOperationException(
                "Cyrus tests need the packages cyrus-common and sasl2-bin (./build.sh test installs them as root: apt-get install cyrus-common sasl2-bin). " +
                "Never install cyrus-imapd itself: it removes dovecot-imapd.");
        }
        var version = Run("dpkg-query", ["-W", "-f=${Version}", "cyrus-common"], null).Trim();
        var cacheRoot = Environment.GetEnvironmentVariable("MG_CYRUS_CACHE")
            ?? (ServerProcess.IsRoot ? "/var/cache/mailgateway" : Path.Combine(Path.GetTempPath(), "mailgateway-cache"));
        var target = Path.Combine(cacheRoot, $"cyrus-imapd-{version.Replace(':', '_')}");
        if (File.Exists(Path.Combine(target, "usr", "lib", "cyrus", "bin", "imapd")))
            return target;

        Directory.CreateDirectory(cacheRoot);
        using var gate = AcquireLock(Path.Combine(cacheRoot, ".cyrus.lock"));
        if (File.Exists(Path.Combine(target, "usr", "lib", "cyrus", "bin", "imapd")))
            return target;
        var work = Path.Combine(cacheRoot, $"download-{Environment.ProcessId}");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        try
        {
            // apt downloads as _apt when root; a directory it owns avoids the "unsandboxed" warning.
            if (ServerProcess.IsRoot)
                Run("chown", ["_apt", work], null, allowFailure: true);
            Run("apt-get", ["download", "-q", $"cyrus-imapd={version}"], work);
            var deb = Directory.GetFiles(work, "cyrus-imapd_*.deb").Single();
            var extracted = Path.Combine(work, "pkg");
            Run("dpkg-deb", ["-x", deb, extracted], null);
            if (Directory.Exists(target))
                Directory.Delete(target, recursive: true);
            Directory.Move(extracted, target);
            return target;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (until.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(100);
            }
        }
    }

    internal static string Run(string exe, IEnumerable<string> args, string? workingDirectory, bool allowFailure = false, string? stdin = null)
    {
        var info = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {exe}.");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"{exe} {string.Join(' ', info.ArgumentList)} failed ({process.ExitCode}): {stderr.Result}");
        return output;
    }
}
