namespace MailGateway.Api.Webhooks;

/// <summary>Pure delay math for the retry schedule; the dispatcher owns the timers.</summary>
internal static class WebhookRetryPolicy
{
    /// <summary>
    /// When the attempt after <paramref name="attemptsMade"/> finished attempts is due, or null when the schedule
    /// is exhausted (dead letter). <paramref name="random01"/> in [0, 1) scales the jitter.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(
        IReadOnlyList<TimeSpan> schedule, int attemptsMade, DateTimeOffset now, double jitter, double random01)
    {
        if (attemptsMade < 0 || attemptsMade >= schedule.Count)
            return null;
        var delay = schedule[attemptsMade];
        var extra = TimeSpan.FromTicks((long)(delay.Ticks * jitter * random01));
        return now + delay + extra;
    }

    /// <summary>Whether an endpoint that has failed without success since <paramref name="failingSince"/> is now to be disabled.</summary>
    public static bool ShouldDisable(DateTimeOffset? failingSince, DateTimeOffset now, TimeSpan disableAfter) =>
        failingSince is { } since && now - since >= disableAfter;
}
