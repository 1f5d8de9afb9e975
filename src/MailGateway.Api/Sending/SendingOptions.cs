namespace MailGateway.Api.Sending;

/// <summary>The <c>Sending</c> configuration section: abuse limits, retries, and the outbox worker.</summary>
public sealed class SendingOptions
{
    public const string Section = "Sending";

    /// <summary>Submissions per account per hour (a fixed one-hour window); 0 = unlimited.</summary>
    public int MessagesPerHour { get; set; } = 200;
    /// <summary>Submissions per caller (owner) per hour across all their accounts; 0 = unlimited.</summary>
    public int MessagesPerHourPerUser { get; set; } = 1000;
    /// <summary>To + Cc + Bcc of one message.</summary>
    public int MaxRecipients { get; set; } = 100;
    /// <summary>Size of one message as transmitted (bytes).</summary>
    public long MaxMessageBytes { get; set; } = 25 * 1024 * 1024;
    /// <summary>Waits between attempts after a temporary failure (connection, 4xx); the last one repeats.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];
    /// <summary>After this long a temporarily failing submission ends as failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long an instance owns a submission it is sending; a dead instance's work is resumed after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How often the worker looks for due submissions when nothing signalled it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Same Idempotency-Key, same submission for this long.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Submissions this instance transmits at once. At most one of them belongs to any one user (owner), so a user whose
    /// SMTP server hangs or who queued a backlog holds one sender loop, never everyone's mail.</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>Submissions of one user (owner, across their accounts and every instance) waiting, scheduled or in flight at
    /// once; beyond it a send answers 429 <c>too_many_pending_submissions</c>. 0 = unlimited (then a user's backlog beyond
    /// <see cref="ClaimScanLimit"/> can delay others).</summary>
    public int MaxPendingPerUser { get; set; } = 100;

    /// <summary>How many due submissions one claim looks at to find one whose owner is not busy on this instance: more than
    /// the busy owners can have waiting (<see cref="Concurrency"/> × <see cref="MaxPendingPerUser"/>), so another user's
    /// mail is always within reach.</summary>
    public int ClaimScanLimit => MaxPendingPerUser > 0 ? Concurrency * MaxPendingPerUser + 1 : 1000;

    /// <summary>SMTP hosts that file sent mail themselves (saveToSent is skipped for them).</summary>
    public List<string> ServerFiledSentHosts { get; set; } = [];

    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
    ];

    public static readonly string[] DefaultServerFiledSentHosts = ["smtp.gmail.com", "smtp.office365.com", "smtp-mail.outlook.com"];

    public TimeSpan RetryDelay(int attempt)
    {
        var schedule = RetrySchedule.Count > 0 ? RetrySchedule : [.. DefaultRetrySchedule];
        return schedule[Math.Clamp(attempt - 1, 0, schedule.Count - 1)];
    }

    public bool ServerFilesSent(string host) =>
        (ServerFiledSentHosts.Count > 0 ? ServerFiledSentHosts : [.. DefaultServerFiledSentHosts])
            .Any(h => string.Equals(h.Trim(), host.Trim(), StringComparison.OrdinalIgnoreCase));
}
