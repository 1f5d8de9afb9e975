using GraphQL.DataLoader;

namespace MailGateway.Api.GraphQL.Batching;

/// <summary>
/// A small data loader (GraphQL.DataLoader is not available here): keys asked for while the executor walks one
/// level of the query are collected, and the first field that needs its value fetches the whole batch at once.
/// The executor runs <see cref="IDataLoaderResult"/> fields only after every other field of the level, so one
/// batch sees all sibling keys. Values are cached for the operation; each key fails on its own.
/// </summary>
internal sealed class BatchLoader<TKey, TValue>(
    Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, Task<TValue>>>> fetch) where TKey : notnull
{
    private readonly Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, Task<TValue>>>> _fetch = fetch;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Task<TValue>> _done = [];
    private Batch? _pending;

    public IDataLoaderResult<TValue> Load(TKey key)
    {
        lock (_gate)
        {
            if (_done.TryGetValue(key, out var known)) return new Result(_ => known);
            _pending ??= new Batch(this);
            _pending.Add(key);
            var batch = _pending;
            return new Result(ct => batch.GetAsync(key, ct));
        }
    }

    private sealed class Batch(BatchLoader<TKey, TValue> loader)
    {
        private readonly List<TKey> _keys = [];
        private Task<IReadOnlyDictionary<TKey, Task<TValue>>>? _run;

        public void Add(TKey key)
        {
            if (!_keys.Contains(key)) _keys.Add(key);
        }

        public async Task<TValue> GetAsync(TKey key, CancellationToken cancellationToken)
        {
            Task<IReadOnlyDictionary<TKey, Task<TValue>>> run;
            lock (loader._gate)
            {
                if (_run is null)
                {
                    // Close the batch: later keys start the next one.
                    if (ReferenceEquals(loader._pending, this)) loader._pending = null;
                    _run = loader._fetch(_keys.ToArray(), cancellationToken);
                }
                run = _run;
            }
            var results = await run;
            lock (loader._gate)
            {
                foreach (var (k, task) in results) loader._done.TryAdd(k, task);
            }
            return await (results.TryGetValue(key, out var value)
                ? value
                : throw new InvalidOperationException("The batch did not answer one of its keys."));
        }
    }

    private sealed class Result(Func<CancellationToken, Task<TValue>> get) : IDataLoaderResult<TValue>
    {
        public Task<TValue> GetResultAsync(CancellationToken cancellationToken = default) => get(cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await get(cancellationToken);
    }
}

internal static class BatchResults
{
    /// <summary>Runs one task per key and keeps each outcome (value or exception) for its own key.</summary>
    public static async Task<IReadOnlyDictionary<TKey, Task<TValue>>> EachAsync<TKey, TValue>(
        IEnumerable<TKey> keys, Func<TKey, Task<TValue>> load) where TKey : notnull
    {
        var tasks = keys.ToDictionary(k => k, load);
        try
        {
            await Task.WhenAll(tasks.Values);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Observed per key by the fields that asked for it.
        }
        return tasks;
    }
}

internal static class DataLoaderResultExtensions
{
    /// <summary>Maps a pending result without running it.</summary>
    public static IDataLoaderResult<TOut> Then<TIn, TOut>(this IDataLoaderResult<TIn> source, Func<TIn, TOut> map) => new Mapped<TIn, TOut>(source, map);

    private sealed class Mapped<TIn, TOut>(IDataLoaderResult<TIn> source, Func<TIn, TOut> map) : IDataLoaderResult<TOut>
    {
        public async Task<TOut> GetResultAsync(CancellationToken cancellationToken = default) => map(await source.GetResultAsync(cancellationToken));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
