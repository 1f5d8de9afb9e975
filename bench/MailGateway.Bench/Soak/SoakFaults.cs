using MailGateway.Testing;

namespace MailGateway.Bench.Soak;

/// <summary>The soak run's fault schedule, one fault per round in turn: kick every IMAP connection of a user
/// (<c>doveadm kick</c>), freeze Redis for 5 s (SIGSTOP/SIGCONT), SIGKILL Dovecot (master and every child, by pid)
/// and start it again 5 s later, restart Redis (SIGTERM, 3 s down, start; append-only file, so no data lost).</summary>
internal sealed class SoakFaults(MailEnvironment env, IReadOnlyList<string> users, SoakLedger ledger)
{
    public static readonly string[] Kinds = ["kick", "Redis frozen 5 s", "Dovecot killed, 5 s down", "Redis restarted, 3 s down"];

    /// <summary>Held by the writer around each APPEND and by a Dovecot kill, so no APPEND is cut off halfway (one
    /// that may or may not have been stored would make the expected count uncertain).</summary>
    public SemaphoreSlim AppendGate { get; } = new(1, 1);

    public List<string> Log { get; } = [];

    public async Task InjectAsync(int round, TimeSpan at, CancellationToken ct)
    {
        var kind = Kinds[round % Kinds.Length];
        ledger.Open(kind);
        Log.Add($"{at.TotalSeconds:F0}s {kind}");
        switch (round % Kinds.Length)
        {
            case 0:
                await env.KickAsync(users[round % users.Count], ct);
                break;
            case 1:
                await env.FreezeRedisAsync();
                try { await Task.Delay(TimeSpan.FromSeconds(5), ct); } finally { await env.ThawRedisAsync(); }
                break;
            case 2:
                await AppendGate.WaitAsync(ct);
                try
                {
                    await env.KillDovecotAsync();
                    await Task.Delay(TimeSpan.FromSeconds(5), ct);
                }
                finally
                {
                    await env.StartDovecotAgainAsync(CancellationToken.None);
                    AppendGate.Release();
                }
                break;
            default:
                await env.StopRedisAsync(ct);
                try { await Task.Delay(TimeSpan.FromSeconds(3), ct); } finally { await env.StartRedisAsync(CancellationToken.None); }
                break;
        }
    }
}
