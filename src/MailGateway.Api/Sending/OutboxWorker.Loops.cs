namespace MailGateway.Api.Sending;

/// <summary>Fair sharing: up to <see cref="SendingOptions.Concurrency"/> submissions in flight per instance, and a claim
/// skips the due submissions of users (owners) this instance is already sending for. A user whose SMTP server hangs, or
/// who queued a backlog to a slow one, holds one sender; every other user's mail goes on through the others. One
/// claimer takes the claims (so an idle instance asks the outbox once per <see cref="SendingOptions.PollInterval"/>, not
/// once per sender) and hands each claim to a sender of its own.</summary>
internal sealed partial class OutboxWorker
{
    private readonly Dictionary<string, int> _busyOwners = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var free = new SemaphoreSlim(Options.Concurrency, Options.Concurrency);
        var senders = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await free.WaitAsync(stoppingToken).ConfigureAwait(false);
                var claim = await ClaimOrWaitAsync(stoppingToken).ConfigureAwait(false);
                if (claim is null)
                {
                    free.Release();
                    continue;
                }
                senders.RemoveAll(t => t.IsCompleted);
                senders.Add(Task.Run(() => SendAsync(claim, free, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            await Task.WhenAll(senders).ConfigureAwait(false); // each ends soon once stopping (SendAsync never throws)
        }
    }

    /// <summary>A claim, or null after waiting for a queued submission, a finished send or the poll interval.</summary>
    private async Task<OutboxClaim?> ClaimOrWaitAsync(CancellationToken stoppingToken)
    {
        try
        {
            string[] busy;
            lock (_busyOwners) busy = [.. _busyOwners.Keys];
            var claim = await outbox.ClaimAsync(time.GetUtcNow(), Options.Lease, busy, Options.ClaimScanLimit, stoppingToken).ConfigureAwait(false);
            if (claim is not null)
            {
                SetBusy(claim.Submission.OwnerId, +1);
                return claim;
            }
            await signal.WaitAsync(Options.PollInterval, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            SendingLog.WorkerFailed(logger, ex);
            await Task.Delay(Options.PollInterval, stoppingToken).ConfigureAwait(false);
        }
        return null;
    }

    private async Task SendAsync(OutboxClaim claim, SemaphoreSlim free, CancellationToken stoppingToken)
    {
        try
        {
            await ProcessAsync(claim, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception ex)
        {
            SendingLog.WorkerFailed(logger, ex);
        }
        finally
        {
            SetBusy(claim.Submission.OwnerId, -1);
            free.Release();
            signal.Notify(); // the owner's next submission may be waiting for this sender
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
