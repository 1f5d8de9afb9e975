namespace MailGateway.Api.Changes;

/// <summary>What changed in a mailbox since a state (JMAP Email/changes style). Ids are message ids.</summary>
/// <param name="State">The new state: pass it as <c>since</c> next time.</param>
/// <param name="HasMore">More changes are waiting: ask again with <see cref="State"/> straight away.</param>
public sealed record ChangesDto(
    string State,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Destroyed,
    bool HasMore);
