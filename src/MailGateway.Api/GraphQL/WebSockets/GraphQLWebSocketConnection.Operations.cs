using GraphQL;
using GraphQL.Transport;
using GraphQLParser.AST;
using MailGateway.Api.Shared;
using MailGateway.Api.Cluster;

namespace MailGateway.Api.GraphQL.WebSockets;

internal sealed partial class GraphQLWebSocketConnection
{
    private void Subscribe(OperationMessage message)
    {
        if (_user is not { } user)
        {
            Close(CloseCodes.Unauthorized, "Unauthorized");
            return;
        }
        if (TokenExpired)
        {
            CloseExpired();
            return;
        }
        if (string.IsNullOrEmpty(message.Id) || message.Payload is null)
        {
            Close(CloseCodes.BadRequest, "A subscribe message needs an id and a payload.");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = serializer.ReadNode<GraphQLRequest>(message.Payload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            request = null;
        }
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            Close(CloseCodes.BadRequest, "The subscribe payload has no GraphQL document in 'query'.");
            return;
        }

        var id = message.Id;
        var operation = new Operation(_closing.Token);
        if (!_operations.TryAdd(id, operation))
        {
            operation.Dispose();
            Close(CloseCodes.SubscriberAlreadyExists, $"Subscriber for {Truncate(id)} already exists");
            return;
        }
        if (_operations.Count > options.MaxOperationsPerConnection)
        {
            Finish(id, GraphQLErrors.Create("too_many_operations", $"At most {options.MaxOperationsPerConnection} operations may run on one connection."));
            return;
        }
        // Executing may take a while (IMAP); keep reading pings and completes meanwhile.
        _executions.Add(Task.Run(() => ExecuteAnsweredAsync(id, request, user, operation)));
    }

    /// <summary>Every operation gets an answer: a failure nothing below turned into a GraphQL error (a defect, or a
    /// dependency failing in a way no catch names) ends the operation with the catalogue's error for it, or
    /// <c>internal_error</c>, instead of leaving the client waiting for a result that never comes.</summary>
    private async Task ExecuteAnsweredAsync(string id, GraphQLRequest request, System.Security.Claims.ClaimsPrincipal user, Operation operation)
    {
        try
        {
            await ExecuteAsync(id, request, user, operation).ConfigureAwait(false);
        }
        catch (Exception ex) when (!operation.Token.IsCancellationRequested)
        {
            GraphQLLog.OperationFailed(logger, ex);
            Finish(id, ErrorCatalogue.Describe(ex) is { } known
                ? GraphQLErrors.From(known)
                : GraphQLErrors.Create(GraphQLErrors.InternalError, "The operation failed unexpectedly."));
        }
    }

    private async Task ExecuteAsync(string id, GraphQLRequest request, System.Security.Claims.ClaimsPrincipal user, Operation operation)
    {
        // The permit is taken here, off the read loop: with Redis it is a round trip.
        TimeSpan? refused;
        try { refused = await limiter.TryAcquireOperationAsync(Caller.From(user), operation.Token); }
        catch (OperationCanceledException) when (operation.Token.IsCancellationRequested) { return; }
        if (refused is { } retryAfter)
        {
            Finish(id, GraphQLErrors.From(UserRequestLimit.RateLimited(retryAfter) with { Detail = "Too many GraphQL requests; try again later." }));
            return;
        }
        await using var scope = _scopes.CreateAsyncScope();
        ExecutionResult result;
        try
        {
            result = await runner.RunAsync(request, GraphQLTransport.WebSocket, user, scope.ServiceProvider, operation.Token);
        }
        catch (OperationCanceledException) when (operation.Token.IsCancellationRequested)
        {
            // The client completed the operation or the socket closed: nobody waits for an answer. Any other
            // cancellation (a timeout below) is a failure ExecuteAnsweredAsync answers.
            return;
        }
        if (operation.Token.IsCancellationRequested) return;

        if (result.Streams is { Count: > 0 } streams)
        {
            var observer = new StreamObserver(this, id);
            operation.Attach(streams.Values.First().Subscribe(observer));
            await operation.WaitAsync();
            return;
        }
        var isSubscription = result.Operation?.Operation == OperationType.Subscription;
        if (isSubscription || !result.Executed)
        {
            // No stream was started: refused before or while resolving the source stream.
            if (result.Errors?.Any(e => e.Code is GraphQLErrors.AccountNotFound or GraphQLErrors.Forbidden
                or GraphQLErrors.InsufficientScope or GraphQLErrors.MfaRequired) == true)
            {
                Close(CloseCodes.Forbidden, "Forbidden");
                return;
            }
            if (_operations.TryRemove(id, out _))
                Send(new OperationMessage { Id = id, Type = MessageTypes.Error, Payload = result.Errors?.ToArray() ?? [] });
            operation.Dispose();
            return;
        }
        // Queries and mutations over the socket: one result, then complete.
        if (_operations.TryRemove(id, out _))
        {
            Send(new OperationMessage { Id = id, Type = MessageTypes.Next, Payload = result });
            Send(new OperationMessage { Id = id, Type = MessageTypes.Complete });
        }
        operation.Dispose();
    }

    /// <summary>Ends an operation that could not start with one error result (the connection stays open).</summary>
    private void Finish(string id, ExecutionError error)
    {
        if (!_operations.TryRemove(id, out var operation)) return;
        operation.Dispose();
        Send(new OperationMessage { Id = id, Type = MessageTypes.Next, Payload = new ExecutionResult(error) });
        Send(new OperationMessage { Id = id, Type = MessageTypes.Complete });
    }

    private sealed class StreamObserver(GraphQLWebSocketConnection connection, string id) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (connection._operations.ContainsKey(id))
                connection.Send(new OperationMessage { Id = id, Type = MessageTypes.Next, Payload = value });
        }

        public void OnError(Exception error)
        {
            var result = new ExecutionResult(ErrorCatalogue.Describe(error) is { } known
                ? GraphQLErrors.From(known)
                : GraphQLErrors.Create(GraphQLErrors.InternalError, "The event stream failed."));
            OnNext(result);
            OnCompleted();
        }

        public void OnCompleted()
        {
            if (!connection._operations.TryRemove(id, out var operation)) return;
            connection.Send(new OperationMessage { Id = id, Type = MessageTypes.Complete });
            operation.Dispose();
        }
    }

    /// <summary>A running operation: cancelled by the client's complete, the server's complete, or the socket closing.</summary>
    private sealed class Operation : IDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        public Operation(CancellationToken connectionClosing)
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(connectionClosing);
            Token = _cancel.Token;
        }

        public CancellationToken Token { get; }
        private IDisposable? _subscription;

        /// <summary>Completes when the operation is disposed (client complete, stream end, socket closed).</summary>
        public Task WaitAsync() => _done.Task;

        /// <summary>Keeps the stream subscription; disposes it at once when the operation already ended.</summary>
        public void Attach(IDisposable subscription)
        {
            Interlocked.Exchange(ref _subscription, subscription);
            if (Volatile.Read(ref _disposed) == 1) Interlocked.Exchange(ref _subscription, null)?.Dispose();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            Interlocked.Exchange(ref _subscription, null)?.Dispose();
            _cancel.Cancel();
            _done.TrySetResult();
            _cancel.Dispose();
        }
    }
}
