using MailGateway.Imap;

namespace MailGateway.Api.Shared;

/// <summary>
/// What every API says about one failure: HTTP status (REST; GraphQL and SignalR carry only the code), stable
/// <see cref="Code"/>, title, a client-safe detail, Retry-After and extra extensions (field errors,
/// <c>operationMayHaveHappened</c>).
/// </summary>
public sealed record ApiError(int Status, string Code, string Title, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    /// <summary>The text GraphQL errors, hub errors and webhook delivery logs carry: the detail, else the title.</summary>
    public string Message => Detail ?? Title;

    /// <summary><c>code: message</c> (and <c>Retry after N s.</c>), for channels that carry only a text (SignalR hub errors):
    /// clients match on the code.</summary>
    public string CodedMessage => RetryAfterSeconds is { } seconds
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Code}: {Message} Retry after {seconds} s.")
        : $"{Code}: {Message}";

    /// <summary>Whole seconds (at least 1) for a Retry-After header or <c>retryAfter</c> extension.</summary>
    public int? RetryAfterSeconds => RetryAfter is { } r ? Math.Max(1, (int)Math.Ceiling(r.TotalSeconds)) : null;
}

/// <summary>
/// The one error catalogue: exception → <see cref="ApiError"/>. REST problem details (the host's exception handler and
/// <see cref="MailProblemFilter"/>), GraphQL errors over HTTP and WebSocket, SignalR hub errors and the error codes of
/// webhook delivery attempts all map from here, so the same failure has the same code on every path.
/// </summary>
internal static class ErrorCatalogue
{
    public static readonly ApiError Internal = new(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "An unexpected error occurred.");

    /// <summary>The entry for a known failure; null for an unexpected one (answered as <see cref="Internal"/>, and logged).</summary>
    public static ApiError? Describe(Exception exception) => exception switch
    {
        IApiFailure e => e.Error,
        ImapAuthenticationException e => new(StatusCodes.Status502BadGateway, ErrorCodes.ImapAuthFailed,
            "The IMAP server rejected the account's credentials.", e.Message, TimeSpan.FromSeconds(60)),
        ImapUnavailableException e => new ApiError(IsServerSide(e) && e.MayHaveHappened is null ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            ErrorCodes.ImapUnavailable, "The IMAP server is not available right now.", e.Message, e.RetryAfter)
        {
            // A non-idempotent write whose connection died: tell the caller whether repeating it could duplicate it.
            Extensions = e.MayHaveHappened is { } may ? new Dictionary<string, object?> { ["operationMayHaveHappened"] = may } : new Dictionary<string, object?>(),
        },
        ImapPolicyException e => new(StatusCodes.Status422UnprocessableEntity, e.Code, "The IMAP account configuration is not allowed.", e.Message),
        MailboxNotFoundException e => new(StatusCodes.Status404NotFound, ErrorCodes.MailboxNotFound, "The mailbox was not found.", e.Message),
        MailboxAlreadyExistsException e => new(StatusCodes.Status409Conflict, "mailbox_exists", "The mailbox already exists.", e.Message),
        MessageNotFoundException e => new(StatusCodes.Status404NotFound, ErrorCodes.MessageNotFound, "The message was not found.", e.Message),
        StaleMessageException e => new(StatusCodes.Status404NotFound, ErrorCodes.StaleMessageId, "The message id refers to an older version of the mailbox.", e.Message),
        CannotCalculateChangesException e => new(StatusCodes.Status410Gone, ErrorCodes.CannotCalculateChanges,
            "Changes since this state cannot be calculated; resynchronise.", e.Message),
        ImapOperationException e => new(StatusCodes.Status422UnprocessableEntity, "imap_operation_failed", "The IMAP server refused the operation.", e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(StatusCodes.Status413PayloadTooLarge,
            "payload_too_large", "The request body is too large."),
        BadHttpRequestException e => new(e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest,
            "invalid_request", "The request could not be read.", e.Message),
        _ when StorageFailures.IsStorageFailure(exception) => new(StatusCodes.Status503ServiceUnavailable, StorageFailures.Code,
            StorageFailures.Title, null, StorageFailures.RetryAfter),
        _ when exception.InnerException is not null => Describe(exception.InnerException),
        _ => null,
    };

    // The failures of a webhook delivery attempt (the delivery log's attempts[].code and error). The status is what the
    // same failure would answer on the API; a refused destination has the code the create/update of the webhook answers.
    public static ApiError DeliveryRefused(string detail) => new(StatusCodes.Status400BadRequest, ErrorCodes.WebhookUrlForbidden,
        "The URL is not an allowed webhook destination.", "Destination refused: " + detail);
    public static ApiError DeliveryFailure(int status) => status is >= 300 and < 400
        ? new(StatusCodes.Status502BadGateway, "webhook_redirected", "The endpoint redirected.", $"HTTP {status}: redirects are not followed")
        : new(StatusCodes.Status502BadGateway, "webhook_endpoint_failed", "The endpoint did not accept the delivery.", $"HTTP {status}");
    public static ApiError DeliveryTimedOut(TimeSpan timeout) => new(StatusCodes.Status504GatewayTimeout, "webhook_timeout",
        "The endpoint did not answer in time.", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"No answer within {timeout.TotalSeconds:0.###} s"));
    public static ApiError DeliveryUnreachable(string detail) => new(StatusCodes.Status502BadGateway, "webhook_unreachable",
        "The endpoint could not be reached.", detail);

    /// <summary>An inner exception means the server (or the network to it) failed; none means the pool gave up (lease timeout, backoff).</summary>
    private static bool IsServerSide(ImapUnavailableException e) => e.InnerException is not null and not TimeoutException and not OperationCanceledException;
}

/// <summary>Codes that more than one feature answers (a feature's own codes stay beside it).</summary>
public static class ErrorCodes
{
    public const string AccountNotFound = "account_not_found";
    public const string AccountDisabled = "account_disabled";
    public const string MailboxNotFound = "mailbox_not_found";
    public const string MessageNotFound = "message_not_found";
    public const string StaleMessageId = "stale_message_id";
    public const string ValidationFailed = "validation_failed";
    public const string ImapUnavailable = "imap_unavailable";
    public const string ImapAuthFailed = "imap_auth_failed";
    public const string CannotCalculateChanges = "cannot_calculate_changes";
    public const string InternalError = "internal_error";
    /// <summary>A webhook URL the egress policy refuses: on create/update (REST, GraphQL) and on a delivery attempt.</summary>
    public const string WebhookUrlForbidden = "webhook_url_forbidden";
}
