using MailGateway.Api.Storage;

namespace MailGateway.Api.Webhooks;

/// <summary>A subscription as stored. The secrets are Data-Protection ciphertext and never leave the server after creation/rotation.</summary>
public sealed record Webhook : IStoredRecord
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required Uri Url { get; init; }
    /// <summary>Event type names or <c>prefix.*</c> wildcards; empty = every event.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
    /// <summary>Null = every account of the owner, including accounts added later.</summary>
    public IReadOnlyList<string>? AccountIds { get; init; }
    public string? Description { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Why it was disabled by the gateway (null when enabled or disabled by its owner).</summary>
    public string? DisabledReason { get; init; }
    public required string ProtectedSecret { get; init; }
    public string? ProtectedPreviousSecret { get; init; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }
    /// <summary>First failure since the last success; null while healthy.</summary>
    public DateTimeOffset? FailingSince { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool Matches(string accountId, string eventType) =>
        Enabled
        && (AccountIds is null || AccountIds.Contains(accountId, StringComparer.Ordinal))
        && WebhookEventFilter.Matches(Events, eventType);
}

/// <summary>Event filters: exact type names and <c>prefix.*</c> wildcards (<c>*</c> alone matches everything).</summary>
public static class WebhookEventFilter
{
    public static bool Matches(IReadOnlyList<string> filters, string eventType)
    {
        if (filters.Count == 0)
            return true;
        foreach (var filter in filters)
        {
            if (filter == "*" || string.Equals(filter, eventType, StringComparison.Ordinal))
                return true;
            if (filter.EndsWith(".*", StringComparison.Ordinal)
                && eventType.StartsWith(filter[..^1], StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>A filter is valid when it is <c>*</c>, <c>area.*</c> or <c>area.name</c> made of letters.</summary>
    public static bool IsValid(string filter)
    {
        if (filter == "*")
            return true;
        var parts = filter.Split('.');
        return parts.Length == 2
            && parts[0].Length is > 0 and <= 40 && parts[0].All(char.IsAsciiLetter)
            && (parts[1] == "*" || (parts[1].Length is > 0 and <= 40 && parts[1].All(char.IsAsciiLetter)));
    }
}
