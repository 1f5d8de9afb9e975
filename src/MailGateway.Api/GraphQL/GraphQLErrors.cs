using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQL.Validation.Errors.Custom;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL;

/// <summary>
/// GraphQL errors carry <c>extensions.code</c> from <see cref="ErrorCatalogue"/>, the codes of the REST problem details,
/// so a client handles <c>account_not_found</c> the same way on both APIs. The codes here are GraphQL's own (limits, auth).
/// </summary>
internal static class GraphQLErrors
{
    public const string AccountNotFound = ErrorCodes.AccountNotFound;
    public const string MailboxNotFound = ErrorCodes.MailboxNotFound;
    public const string ValidationFailed = ErrorCodes.ValidationFailed;
    public const string Forbidden = "forbidden";
    public const string InsufficientScope = "insufficient_scope";
    public const string MfaRequired = "mfa_required";
    public const string Unauthorized = "unauthorized";
    public const string MaxDepthExceeded = "max_depth_exceeded";
    public const string MaxComplexityExceeded = "max_complexity_exceeded";
    public const string IntrospectionDisabled = "introspection_disabled";
    public const string InternalError = ErrorCodes.InternalError;

    public static ExecutionError Create(string code, string message) => new(message) { Code = code };
    public static ExecutionError Validation(string message) => Create(ValidationFailed, message);
    /// <summary>The REST codes of a refused policy: <c>mfa_required</c> when only MFA is missing, else <c>insufficient_scope</c>.</summary>
    public static ExecutionError ForbiddenError(string permission, bool mfaOnly) => mfaOnly
        ? Create(MfaRequired, "Multi-factor authentication is required (the token's 'amr' claim must include 'mfa').")
        : Create(InsufficientScope, $"The token lacks the permission '{permission}'.");

    /// <summary>The GraphQL form of a catalogue entry: its code, its message, <c>retryAfter</c> seconds and its extensions.</summary>
    public static ExecutionError From(ApiError error)
    {
        var result = Create(error.Code, error.Message);
        if (error.RetryAfterSeconds is { } seconds)
            result.AddExtension("retryAfter", seconds);
        foreach (var (key, value) in error.Extensions) result.AddExtension(key, value);
        return result;
    }
}

/// <summary>Turns exceptions that escape resolvers into errors with the REST codes (and never a stack trace).</summary>
internal static class GraphQLUnhandledExceptions
{
    public static void Handle(UnhandledExceptionContext context)
    {
        if (ErrorCatalogue.Describe(context.OriginalException) is { } known)
        {
            context.Exception = GraphQLErrors.From(known);
            context.ErrorMessage = known.Message;
            return;
        }
        if (context.OriginalException is OperationCanceledException) return;
        context.ErrorMessage = "An internal error occurred.";
        context.Exception = GraphQLErrors.Create(GraphQLErrors.InternalError, context.ErrorMessage);
        var logger = context.Context?.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("MailGateway.Api.GraphQL");
        if (logger is not null) GraphQLLog.ResolverFailed(logger, context.FieldContext?.FieldDefinition.Name ?? "(document)", context.OriginalException);
    }
}

/// <summary>Only <c>extensions.code</c> (plus what we add deliberately), and friendlier codes for the limits.</summary>
internal sealed class GatewayErrorInfoProvider() : ErrorInfoProvider(new ErrorInfoProviderOptions
{
    ExposeCode = true,
    ExposeCodes = false,
    ExposeData = false,
    ExposeExceptionDetails = false,
})
{
    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        var code = executionError switch
        {
            ComplexityError e when e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) => GraphQLErrors.MaxDepthExceeded,
            ComplexityError => GraphQLErrors.MaxComplexityExceeded,
            NoIntrospectionError => GraphQLErrors.IntrospectionDisabled,
            ValidationError e => e.Code ?? GraphQLErrors.ValidationFailed,
            _ => executionError.Code,
        };
        var extensions = info.Extensions is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(info.Extensions);
        if (code is not null) extensions["code"] = code;
        if (executionError.Extensions is { } own)
            foreach (var (key, value) in own) extensions[key] = value;
        info.Extensions = extensions;
        return info;
    }
}
