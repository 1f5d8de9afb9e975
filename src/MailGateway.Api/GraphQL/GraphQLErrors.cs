using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQL.Validation.Errors.Custom;
using MailGateway.Api.Hosting;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL;

/// <summary>
/// GraphQL errors carry <c>extensions.code</c> with the same stable codes as the REST problem details,
/// so a client handles <c>account_not_found</c> the same way on both APIs.
/// </summary>
internal static class GraphQLErrors
{
    public const string AccountNotFound = "account_not_found";
    public const string MailboxNotFound = "mailbox_not_found";
    public const string MessageNotFound = "message_not_found";
    public const string StaleMessageId = "stale_message_id";
    public const string InvalidCursor = "invalid_cursor";
    public const string ValidationFailed = "validation_failed";
    public const string Forbidden = "forbidden";
    public const string InsufficientScope = "insufficient_scope";
    public const string MfaRequired = "mfa_required";
    public const string Unauthorized = "unauthorized";
    public const string ImapUnavailable = "imap_unavailable";
    public const string ImapAuthFailed = "imap_auth_failed";
    public const string CannotCalculateChanges = "cannot_calculate_changes";
    public const string MaxDepthExceeded = "max_depth_exceeded";
    public const string MaxComplexityExceeded = "max_complexity_exceeded";
    public const string IntrospectionDisabled = "introspection_disabled";
    public const string InternalError = "internal_error";

    public static ExecutionError Create(string code, string message) => new(message) { Code = code };
    public static ExecutionError AccountNotFoundError() => Create(AccountNotFound, "The account was not found.");
    public static ExecutionError Validation(string message) => Create(ValidationFailed, message);
    /// <summary>The REST codes of a refused policy: <c>mfa_required</c> when only MFA is missing, else <c>insufficient_scope</c>.</summary>
    public static ExecutionError ForbiddenError(string permission, bool mfaOnly) => mfaOnly
        ? Create(MfaRequired, "Multi-factor authentication is required (the token's 'amr' claim must include 'mfa').")
        : Create(InsufficientScope, $"The token lacks the permission '{permission}'.");

    /// <summary>The code and a client-safe message for an exception thrown by a resolver or a service.</summary>
    public static (string Code, string Message)? Describe(Exception exception) => exception switch
    {
        MailApiException e => (e.Code, e.Detail ?? e.Title),
        Sending.SendLimitExceededException e => ("send_limit_exceeded", e.Message),
        MailboxNotFoundException => (MailboxNotFound, "The mailbox was not found."),
        MessageNotFoundException => (MessageNotFound, "The message was not found."),
        StaleMessageException e => (StaleMessageId, e.Message),
        ImapAuthenticationException => (ImapAuthFailed, "The IMAP server rejected the account's credentials."),
        ImapUnavailableException => (ImapUnavailable, "The IMAP server is not available right now."),
        CannotCalculateChangesException e => (CannotCalculateChanges, e.Message),
        ImapPolicyException e => (e.Code, e.Message),
        MailboxAlreadyExistsException e => ("mailbox_exists", e.Message),
        ImapOperationException e => ("imap_operation_failed", e.Message),
        _ when StorageFailures.IsStorageFailure(exception) => (StorageFailures.Code, StorageFailures.Title),
        _ when exception.InnerException is not null => Describe(exception.InnerException),
        _ => null,
    };
}

/// <summary>Turns exceptions that escape resolvers into errors with the REST codes (and never a stack trace).</summary>
internal static class GraphQLUnhandledExceptions
{
    public static void Handle(UnhandledExceptionContext context)
    {
        if (GraphQLErrors.Describe(context.OriginalException) is { } known)
        {
            var error = GraphQLErrors.Create(known.Code, known.Message);
            if (FindRetryAfter(context.OriginalException) is { } retryAfter)
                error.AddExtension("retryAfter", (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Exception = error;
            context.ErrorMessage = known.Message;
            return;
        }
        if (context.OriginalException is OperationCanceledException) return;
        context.ErrorMessage = "An internal error occurred.";
        context.Exception = GraphQLErrors.Create(GraphQLErrors.InternalError, context.ErrorMessage);
        var logger = context.Context?.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("MailGateway.Api.GraphQL");
        if (logger is not null) GraphQLLog.ResolverFailed(logger, context.FieldContext?.FieldDefinition.Name ?? "(document)", context.OriginalException);
    }

    private static TimeSpan? FindRetryAfter(Exception? exception) => exception switch
    {
        null => null,
        ImapUnavailableException e => e.RetryAfter,
        _ when StorageFailures.IsStorageFailure(exception) => StorageFailures.RetryAfter,
        _ => FindRetryAfter(exception.InnerException),
    };
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
