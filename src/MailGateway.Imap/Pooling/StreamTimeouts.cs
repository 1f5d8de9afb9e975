using System.Runtime.CompilerServices;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Pooling;

/// <summary>The connector's stream of each client (<see cref="QuickAckStream"/>), so a caller that waits for the server
/// on purpose (IDLE) can suspend the read timeout for that wait; every other command keeps it.</summary>
internal static class StreamTimeouts
{
    private static readonly ConditionalWeakTable<ImapClient, QuickAckStream> Streams = new();

    public static void Track(ImapClient client, QuickAckStream stream) => Streams.AddOrUpdate(client, stream);

    /// <summary>Reads on <paramref name="client"/> wait without a timeout until the result is disposed.</summary>
    public static Suspension SuspendReadTimeout(ImapClient client)
    {
        if (!Streams.TryGetValue(client, out var stream)) return default;
        stream.ReadTimeoutSuspended = true;
        return new Suspension(stream);
    }

    internal readonly struct Suspension(QuickAckStream? stream) : IDisposable
    {
        public void Dispose()
        {
            if (stream is not null) stream.ReadTimeoutSuspended = false;
        }
    }
}
