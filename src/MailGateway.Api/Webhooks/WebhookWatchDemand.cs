using MailGateway.Api.Events;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Webhooks;

/// <summary>
/// Keeps the event pipeline watching every account some enabled subscription wants: its listed accounts, or all accounts of
/// its owner (so accounts added later are picked up at the next refresh). Refreshed at once when a subscription changes.
/// </summary>
internal sealed class WebhookWatchDemand(
    IWebhookStore store, IAccountStore accounts, IWatchDemand demand, IOptions<WebhookOptions> options, ILogger<WebhookWatchDemand> logger)
    : BackgroundService, IRedisDataLossListener
{
    private readonly SemaphoreSlim _changed = new(0, 1);
    private HashSet<string> _applied = new(StringComparer.Ordinal);
    private volatile bool _reapply;

    /// <summary>Redis lost its data (and with it the persistent demand written before): write all of it again at once.</summary>
    public void RedisDataLost()
    {
        _reapply = true;
        Refresh();
    }

    /// <summary>A subscription was created, changed or deleted.</summary>
    public void Refresh()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // a refresh is already pending
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ApplyAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                WebhooksLog.DemandError(logger, ex);
            }
            try
            {
                await _changed.WaitAsync(options.Value.DemandRefreshInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (_reapply)
        {
            _reapply = false;
            _applied = new HashSet<string>(StringComparer.Ordinal);
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var webhook in await store.ListAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!webhook.Enabled)
                continue;
            if (webhook.AccountIds is { } listed)
                wanted.UnionWith(listed);
            else
                owners.Add(webhook.OwnerId);
        }
        foreach (var owner in owners)
        {
            foreach (var account in await accounts.ListByOwnerAsync(owner, cancellationToken).ConfigureAwait(false))
                wanted.Add(account.Id);
        }
        foreach (var accountId in wanted.Except(_applied))
            await demand.SetPersistentDemandAsync(accountId, WatchDemandSources.Webhooks, true, cancellationToken).ConfigureAwait(false);
        foreach (var accountId in _applied.Except(wanted))
            await demand.SetPersistentDemandAsync(accountId, WatchDemandSources.Webhooks, false, cancellationToken).ConfigureAwait(false);
        _applied = wanted;
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}
