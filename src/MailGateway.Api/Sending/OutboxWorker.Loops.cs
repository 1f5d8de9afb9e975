namespace MailGateway.Api.Sending;

/// <summary>Fair sharing: <see cref="SendingOptions.Concurrency"/> sender loops, and a claim skips the due submissions of
/// users (owners) this instance is already sending for. A user whose SMTP server hangs, or who queued a backlog to a slow
/// one, holds one loop; every other user's mail goes on through the others.</summary>
internal sealed partial class OutboxWorker
{
    private readonly SemaphoreSlim _claimGate = new(1, 1);
    private readonly Dictionary<string, int> _busyOwners = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Options.Concurrency).Select(_ => Task.Run(() => SendLoopAsync(stoppingToken), CancellationToken.None)));

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claim = await ClaimFairlyAsync(stoppingToken).ConfigureAwait(false);
                if (claim is null)
                {
                    await signal.WaitAsync(Options.PollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    await ProcessAsync(claim, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    SetBusy(claim.Submission.OwnerId, -1);
                    signal.Notify(); // the owner's next submission may be waiting for a free loop
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SendingLog.WorkerFailed(logger, ex);
                await Task.Delay(Options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One claim at a time on this instance, so two loops never take the same owner's submissions.</summary>
    private async Task<OutboxClaim?> ClaimFairlyAsync(CancellationToken cancellationToken)
    {
        await _claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string[] busy;
            lock (_busyOwners) busy = [.. _busyOwners.Keys];
            var claim = await outbox.ClaimAsync(time.GetUtcNow(), Options.Lease, busy, Options.ClaimScanLimit, cancellationToken).ConfigureAwait(false);
            if (claim is not null) SetBusy(claim.Submission.OwnerId, +1);
            return claim;
        }
        finally
        {
            _claimGate.Release();
        }
    }

    private void SetBusy(string ownerId, int by)
    {
        lock (_busyOwners)
        {
            var count = _busyOwners.GetValueOrDefault(ownerId) + by;
            if (count > 0) _busyOwners[ownerId] = count;
            else _busyOwners.Remove(ownerId);
        }
    }
}
