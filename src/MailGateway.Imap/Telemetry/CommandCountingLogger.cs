using System.Diagnostics;
using System.Text;
using MailKit;

namespace MailGateway.Imap.Telemetry;

/// <summary>A MailKit protocol logger that logs nothing: it recognises tagged command lines the client sends
/// (<c>A00000012 UID FETCH ...</c>) and their tagged completions from the server, to count commands and time
/// them. Literal data (<c>{n}</c>/<c>{n+}</c>: an APPENDed message, a fetched body) is skipped by its byte count, so a
/// message line such as <c>Z9 EVILCOMMAND</c> is never taken for a command; labels come from a fixed set
/// (<see cref="ImapCommandNames"/>) and at most <see cref="MaxPending"/> commands are tracked at once. It never keeps
/// or prints payload bytes, so no secret can leak through it.</summary>
internal sealed class CommandCountingLogger(ImapTelemetry telemetry) : IProtocolLogger
{
    private const int HeadLength = 48;
    private const int TailLength = 24;
    internal const int MaxPending = 64;
    private readonly LineHead _client = new();
    private readonly LineHead _server = new();
    private readonly Dictionary<string, (string Command, long Started)> _pending = new(StringComparer.Ordinal);

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>Commands sent and not yet completed (bounded by <see cref="MaxPending"/>).</summary>
    internal int PendingCount => _pending.Count;

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
        var command = ImapCommandNames.Command(parts[1], parts.Length > 2 ? parts[2] : null);
        telemetry.CommandSent(command);
        if (_pending.Count >= MaxPending) _pending.Clear(); // completions that never came: don't grow with them
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
        var status = ImapCommandNames.Status(rest.Split(' ', 2)[0]);
        telemetry.CommandCompleted(command.Command, status, Stopwatch.GetElapsedTime(command.Started));
    }

    private static bool IsTag(string word) =>
        word.Length >= 2 && char.IsAsciiLetterUpper(word[0]) && word.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    public void Dispose() { }

    /// <summary>Collects the first bytes of each line across buffer boundaries, and skips literal data: a line ending in
    /// <c>{n}</c> or <c>{n+}</c> is followed by n bytes that are data, not lines.</summary>
    internal sealed class LineHead
    {
        private readonly StringBuilder _head = new(HeadLength);
        private readonly StringBuilder _tail = new(TailLength * 2);
        private bool _atStart = true;
        private long _literal;

        public void Feed(ReadOnlySpan<byte> data, Action<string> onLine)
        {
            while (!data.IsEmpty)
            {
                if (_literal > 0)
                {
                    var skip = (int)Math.Min(_literal, data.Length);
                    _literal -= skip;
                    data = data[skip..];
                    _atStart = false; // the command line goes on after the literal
                    continue;
                }
                var newline = data.IndexOf((byte)'\n');
                var chunk = newline < 0 ? data : data[..newline];
                if (_atStart || _head.Length > 0)
                {
                    for (var i = 0; i < chunk.Length && _head.Length < HeadLength; i++) _head.Append((char)chunk[i]);
                    _atStart = false;
                }
                KeepTail(chunk);
                if (newline < 0) return;
                // Only lines that can be tagged (A00000001 ...) become strings: body data lines are skipped cheaply.
                if (_head.Length > 2 && ((char.IsAsciiLetterUpper(_head[0]) && char.IsAsciiDigit(_head[1])) || IsUntaggedNo(_head)))
                    onLine(_head.ToString().TrimEnd('\r'));
                _literal = LiteralLength(_tail);
                _head.Clear();
                _tail.Clear();
                _atStart = true;
                data = data[(newline + 1)..];
            }
        }

        private void KeepTail(ReadOnlySpan<byte> chunk)
        {
            var from = Math.Max(0, chunk.Length - TailLength);
            for (var i = from; i < chunk.Length; i++) _tail.Append((char)chunk[i]);
            if (_tail.Length > TailLength) _tail.Remove(0, _tail.Length - TailLength);
        }

        /// <summary>n for a line ending in <c>{n}</c> or <c>{n+}</c> (before the CR), else 0.</summary>
        internal static long LiteralLength(StringBuilder tail)
        {
            var end = tail.Length;
            if (end > 0 && tail[end - 1] == '\r') end--;
            if (end < 3 || tail[end - 1] != '}') return 0;
            var i = end - 2;
            if (tail[i] == '+') i--;
            long n = 0, scale = 1;
            var digits = 0;
            for (; i >= 0 && char.IsAsciiDigit(tail[i]) && digits < 15; i--, digits++, scale *= 10) n += (tail[i] - '0') * scale;
            return digits > 0 && i >= 0 && tail[i] == '{' ? n : 0;
        }

        private static bool IsUntaggedNo(StringBuilder head) =>
            head.Length >= 4 && head[0] == '*' && head[1] == ' ' && (head[2] | 0x20) == 'n' && (head[3] | 0x20) == 'o';

        public void Skip(ReadOnlySpan<byte> data)
        {
            // Without a pending command the server's bytes are not parsed, but literal boundaries must still be followed.
            Feed(data, static _ => { });
        }
    }
}
