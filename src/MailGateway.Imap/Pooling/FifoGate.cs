namespace MailGateway.Imap.Pooling;

/// <summary>A counting gate that serves waiters strictly in arrival order (SemaphoreSlim does not promise
/// that). A released permit is handed straight to the oldest live waiter, so a newcomer can't jump the queue.</summary>
internal sealed class FifoGate(int permits)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private int _available = permits;

    public int Waiting { get { lock (_lock) return _waiters.Count; } }
    public int Available { get { lock (_lock) return _available; } }

    /// <summary>Waits for a permit. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>,
    /// or <see cref="OperationCanceledException"/>; in both cases no permit is held.</summary>
    public async ValueTask EnterAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_available > 0 && _waiters.Count == 0)
            {
                _available--;
                return;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        try
        {
            await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Timed out or cancelled: leave the queue. If a permit was handed over meanwhile, pass it on.
            bool granted;
            lock (_lock)
            {
                granted = !waiter.TrySetCanceled(CancellationToken.None);
                if (node.List is not null) _waiters.Remove(node);
            }
            if (granted) Exit();
            throw;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            while (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                if (first.Value.TrySetResult()) return;
            }
            _available++;
        }
    }
}
