using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQL.Validation.Rules.Custom;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL;

/// <summary>How a GraphQL operation reached us; decides which operation types are allowed.</summary>
public enum GraphQLTransport
{
    HttpGet,
    HttpPost,
    WebSocket,
}

/// <summary>Per-operation state the resolvers see through <c>context.UserContext</c>.</summary>
public sealed class GraphQLUserContext : Dictionary<string, object?>
{
    public required GraphQLTransport Transport { get; init; }
    public required Caller Caller { get; init; }

    /// <summary>The permission policies the caller satisfies, from <see cref="GatewayAuthorization"/>.</summary>
    public required IReadOnlySet<string> Granted { get; init; }

    private long _messageBytes;

    /// <summary>Bytes of whole messages this operation fetched (<see cref="GraphQLBodyBudget"/>).</summary>
    public long MessageBytes => Interlocked.Read(ref _messageBytes);

    /// <summary>Adds <paramref name="bytes"/> and answers the new total (resolvers may run in parallel).</summary>
    public long AddMessageBytes(long bytes) => Interlocked.Add(ref _messageBytes, bytes);
}

/// <summary>Runs one GraphQL operation with the gateway's rules; shared by the HTTP and WebSocket endpoints.</summary>
internal sealed class GraphQLRunner(
    IDocumentExecuter<ISchema> executer,
    IOptions<GraphQLApiOptions> options,
    IHostEnvironment environment)
{
    private static readonly IValidationRule[] _extraRules = [TransportRule.Instance];
    private static readonly IValidationRule[] _noIntrospectionRules = [TransportRule.Instance, NoIntrospectionValidationRule.Instance];

    public bool IntrospectionEnabled => options.Value.EnableIntrospection ?? environment.IsDevelopment();

    public async Task<ExecutionResult> RunAsync(GraphQLRequest request, GraphQLTransport transport, ClaimsPrincipal user,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        // The same policies as REST (permission + MFA rules), evaluated once for the operation's resolvers.
        var granted = await services.GetRequiredService<GatewayAuthorization>().GrantedAsync(user).ConfigureAwait(false);
        var extra = IntrospectionEnabled ? _extraRules : _noIntrospectionRules;
        return await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            User = user,
            UserContext = new GraphQLUserContext { Transport = transport, Caller = Caller.From(user), Granted = granted },
            ValidationRules = DocumentValidator.CoreRules.Concat(extra),
            CancellationToken = cancellationToken,
        }).ConfigureAwait(false);
    }

    /// <summary>GET only runs queries (405 otherwise), HTTP never runs subscriptions (405): checked before anything executes.</summary>
    private sealed class TransportRule : IValidationRule
    {
        public static readonly TransportRule Instance = new();

        public ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
        {
            var transport = (context.UserContext as GraphQLUserContext)?.Transport ?? GraphQLTransport.HttpPost;
            var operation = context.Operation.Operation;
            if (transport == GraphQLTransport.HttpGet && operation != GraphQLParser.AST.OperationType.Query)
                context.ReportError(new OperationNotAllowedError($"A {operation.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.", "POST"));
            else if (transport != GraphQLTransport.WebSocket && operation == GraphQLParser.AST.OperationType.Subscription)
                context.ReportError(new OperationNotAllowedError("Subscriptions run over the graphql-transport-ws WebSocket protocol on /graphql, not over HTTP.", "GET, POST"));
            return ValueTask.FromResult<INodeVisitor?>(null);
        }

        public ValueTask<IVariableVisitor?> GetVariableVisitorAsync(ValidationContext context) => ValueTask.FromResult<IVariableVisitor?>(null);

        public ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context) => ValueTask.FromResult<INodeVisitor?>(null);
    }
}

/// <summary>The operation type is not allowed over this transport: the endpoint answers 405.</summary>
internal sealed class OperationNotAllowedError : ValidationError
{
    public OperationNotAllowedError(string message, string allow) : base(message)
    {
        Code = "method_not_allowed";
        Allow = allow;
    }

    public string Allow { get; }
}
