namespace MailGateway.Api.Sending;

/// <summary>Submission states (README, "Sending").</summary>
public static class SubmissionStates
{
    public const string Queued = "queued";
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static bool IsFinal(string state) => state is Sent or Failed or Canceled;
}

/// <summary>An SMTP reply as recorded (<c>{code, text}</c>); code 0 = no reply (connection failure).</summary>
public sealed record SubmissionReply(int Code, string Text);

/// <param name="State"><c>pending</c>, <c>accepted</c> or <c>rejected</c>.</param>
public sealed record SubmissionRecipient(string Address, string State, SubmissionReply? Reply);

/// <summary>One message in the outbox, as stored. The MIME bytes are stored beside it.</summary>
public sealed record Submission
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string OwnerId { get; init; }
    public string State { get; init; } = SubmissionStates.Queued;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SendAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public SubmissionReply? LastReply { get; init; }
    public string? MessageIdHeader { get; init; }
    public string? Subject { get; init; }
    public string? SentMessageId { get; init; }
    public IReadOnlyList<SubmissionRecipient> Recipients { get; init; } = [];
    public required string EnvelopeFrom { get; init; }
    public bool SaveToSent { get; init; } = true;
    /// <summary>Our message id of the original a reply answers: flagged \Answered once sent.</summary>
    public string? ReplyToMessageId { get; init; }
    /// <summary>True from the moment the server accepted DATA: never transmitted again after that.</summary>
    public bool Accepted { get; init; }
    /// <summary>The steps after the 250 (Sent copy, \Answered, event) are done; what is left is retrying recipients the server
    /// answered 4xx at RCPT (only those are transmitted again).</summary>
    public bool FollowedUp { get; init; }
    /// <summary>Steps after the 250 (Sent copy, \Answered, event) that failed so far.</summary>
    public int FollowUpAttempts { get; init; }
    public long Size { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A submission under this instance's processing lease.</summary>
public sealed record OutboxClaim(Submission Submission, string LeaseToken)
{
    /// <summary>Until when this instance may rely on the lease (set by the worker when it starts processing; null: unknown).</summary>
    public DateTimeOffset? LeaseEnds { get; init; }
}

/// <summary>The outbox: Redis when <c>Redis:Configuration</c> is set, else in memory. Every state change is atomic.</summary>
public interface IOutboxStore
{
    /// <summary>Stores a new submission (due at <paramref name="dueAt"/>), unless <paramref name="idempotencyKey"/> already names
    /// one of the same account: then answers that one and stores nothing.</summary>
    /// <remarks>Refuses (<see cref="OutboxFullException"/>) when the owner already has <paramref name="maxPendingPerOwner"/>
    /// submissions waiting, scheduled or in flight (0 = no cap), counted atomically with the add.</remarks>
    Task<(Submission Submission, bool Created)> AddAsync(Submission submission, byte[] mime, DateTimeOffset dueAt, string? idempotencyKey,
        TimeSpan idempotencyWindow, int maxPendingPerOwner = 0, CancellationToken cancellationToken = default);

    Task<Submission?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken = default);
    Task<Submission?> GetAsync(string id, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<Submission>> ListAsync(string accountId, int limit, CancellationToken cancellationToken = default);
    Task<byte[]?> GetMimeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Takes the next due submission (or one whose lease expired: its instance died) under a lease; a queued or
    /// scheduled one becomes <c>sending</c>.</summary>
    /// <remarks>Fair sharing: skips due submissions whose owner is in <paramref name="busyOwners"/> (this instance is already
    /// sending one of theirs), looking at most <paramref name="scanLimit"/> due submissions deep.</remarks>
    Task<OutboxClaim?> ClaimAsync(DateTimeOffset now, TimeSpan lease, IReadOnlyCollection<string>? busyOwners = null,
        int scanLimit = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Records progress and keeps the lease (false: the lease was lost).</summary>
    Task<bool> CheckpointAsync(OutboxClaim claim, Submission updated, CancellationToken cancellationToken = default);

    /// <summary>Ends the lease: due again at <paramref name="dueAt"/>, or finished when null.</summary>
    Task<bool> ReleaseAsync(OutboxClaim claim, Submission updated, DateTimeOffset? dueAt, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or scheduled submission; null when it does not exist, the unchanged one when it is past that.</summary>
    Task<Submission?> CancelAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>The owner already has <see cref="SendingOptions.MaxPendingPerUser"/> submissions pending: nothing was stored.</summary>
public sealed class OutboxFullException(string ownerId) : Exception($"The owner '{ownerId}' has too many pending submissions.");
