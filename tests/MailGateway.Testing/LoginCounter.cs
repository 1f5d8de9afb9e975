using System.Text;

namespace MailGateway.Testing;

/// <summary>
/// Counts successful IMAP logins per user from the Dovecot log (<c>imap-login: Info: Login: user=&lt;u&gt;, ...</c>),
/// reading only what was appended since the last call, so polling it stays cheap on a long log.
/// </summary>
internal sealed class LoginCounter(string logPath)
{
    private const string Marker = "Login: user=<";
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _offset;

    public int Count(string user)
    {
        lock (_lock)
        {
            CatchUp();
            return _counts.GetValueOrDefault(user.ToLowerInvariant());
        }
    }

    private void CatchUp()
    {
        if (!File.Exists(logPath))
            return;
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < _offset)
        {
            // A new log file: start over.
            _offset = 0;
            _counts.Clear();
        }
        if (stream.Length == _offset)
            return;
        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        stream.ReadExactly(buffer);
        // Only whole lines: the log process may be in the middle of writing one.
        var end = Array.LastIndexOf(buffer, (byte)'\n');
        if (end < 0)
            return;
        _offset += end + 1;
        foreach (var line in Encoding.UTF8.GetString(buffer, 0, end).Split('\n'))
        {
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0 || !line.Contains("imap-login:", StringComparison.Ordinal))
                continue;
            var start = at + Marker.Length;
            var close = line.IndexOf('>', start);
            if (close > start)
                _counts[line[start..close]] = _counts.GetValueOrDefault(line[start..close]) + 1;
        }
    }
}
