using MailGateway.Api.Events;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Sending;

/// <summary>
/// Outbox steps that must not be dropped because Redis stalled for a few seconds: recording the server's 250 (skipped,
/// the message would be transmitted again once the lease runs out), the reads before a transmission, the release after
/// a follow-up and the events (skipped, they would wait out the whole lease or be lost). Each is retried on storage
/// failures while this instance still holds the claim's lease (<see cref="OutboxClaim.LeaseEnds"/>); a stall that
/// outlasts the lease still fails, since another instance may own the submission by then.
/// </summary>
internal static class LeaseBoundRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    public static async Task<T> RunAsync<T>(OutboxClaim claim, TimeProvider time, Func<Task<T>> step, CancellationToken cancellationToken)
    {
        for (var delay = FirstDelay; ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks)))
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStall(ex) && claim.LeaseEnds is { } ends && time.GetUtcNow() + delay < ends)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task RunAsync(OutboxClaim claim, TimeProvider time, Func<Task> step, CancellationToken cancellationToken) =>
        RunAsync(claim, time, async () =>
        {
            await step().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Redis failing or slow; or an event whose claim a timed-out attempt left behind (the next attempt takes it back).</summary>
    private static bool IsStall(Exception ex) => StorageFailures.IsStorageFailure(ex) || ex is EventPublishDeferredException;
}
