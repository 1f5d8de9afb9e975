using System.Diagnostics;
using System.Text;
using MailKit;

namespace MailGateway.Imap.Telemetry;

/// <summary>A MailKit protocol logger that logs nothing: it recognises tagged command lines the client sends
/// (<c>A00000012 UID FETCH ...</c>) and their tagged completions from the server, to count commands and time
/// them. It never keeps or prints payload bytes, so no secret can leak through it.</summary>
internal sealed class CommandCountingLogger(ImapTelemetry telemetry) : IProtocolLogger
{
    private const int HeadLength = 48;
    private readonly LineHead _client = new();
    private readonly LineHead _server = new();
    private readonly Dictionary<string, (string Command, long Started)> _pending = new(StringComparer.Ordinal);

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public void LogConnect(Uri uri) { }

    public void LogClient(byte[] buffer, int offset, int count) => _client.Feed(buffer.AsSpan(offset, count), OnClientLine);

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (_pending.Count > 0) _server.Feed(buffer.AsSpan(offset, count), OnServerLine);
        else _server.Skip(buffer.AsSpan(offset, count));
    }

    private void OnClientLine(string head)
    {
        var parts = head.Split(' ', 4);
        if (parts.Length < 2 || !IsTag(parts[0])) return;
        var command = parts[1].ToUpperInvariant();
        if (command == "UID" && parts.Length > 2) command = "UID " + parts[2].ToUpperInvariant();
        telemetry.CommandSent(command);
        _pending[parts[0]] = (command, Stopwatch.GetTimestamp());
    }

    private int _untaggedNo;

    /// <summary>True once after the server answered a command with an untagged NO (e.g. Dovecot's "Internal error"
    /// when the selected mailbox was deleted and recreated behind this session): the selection may be stale.</summary>
    public bool TakeUntaggedNo() => Interlocked.Exchange(ref _untaggedNo, 0) != 0;

    private void OnServerLine(string head)
    {
        if (head.StartsWith("* NO", StringComparison.OrdinalIgnoreCase)) Interlocked.Exchange(ref _untaggedNo, 1);
        var space = head.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !_pending.Remove(head[..space], out var command)) return;
        var rest = head[(space + 1)..];
        var status = rest.Length >= 2 ? rest.Split(' ', 2)[0].ToUpperInvariant() : "?";
        telemetry.CommandCompleted(command.Command, status, Stopwatch.GetElapsedTime(command.Started));
    }

    private static bool IsTag(string word) =>
        word.Length >= 2 && char.IsAsciiLetterUpper(word[0]) && word.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    public void Dispose() { }

    /// <summary>Collects the first bytes of each line across buffer boundaries.</summary>
    private sealed class LineHead
    {
        private readonly StringBuilder _head = new(HeadLength);
        private bool _atStart = true;

        public void Feed(ReadOnlySpan<byte> data, Action<string> onLine)
        {
            while (!data.IsEmpty)
            {
                var newline = data.IndexOf((byte)'\n');
                var chunk = newline < 0 ? data : data[..newline];
                if (_atStart || _head.Length > 0)
                {
                    for (var i = 0; i < chunk.Length && _head.Length < HeadLength; i++) _head.Append((char)chunk[i]);
                    _atStart = false;
                }
                if (newline < 0) return;
                // Only lines that can be tagged (A00000001 ...) become strings: body data lines are skipped cheaply.
                if (_head.Length > 2 && ((char.IsAsciiLetterUpper(_head[0]) && char.IsAsciiDigit(_head[1])) || IsUntaggedNo(_head)))
                    onLine(_head.ToString().TrimEnd('\r'));
                _head.Clear();
                _atStart = true;
                data = data[(newline + 1)..];
            }
        }

        private static bool IsUntaggedNo(StringBuilder head) =>
            head.Length >= 4 && head[0] == '*' && head[1] == ' ' && (head[2] | 0x20) == 'n' && (head[3] | 0x20) == 'o';

        public void Skip(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty) return;
            _head.Clear();
            var last = data.LastIndexOf((byte)'\n');
            _atStart = last == data.Length - 1;
        }
    }
}
