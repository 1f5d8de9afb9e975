using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>Builds and checks a <see cref="FlagChange"/> from request fields (PATCH and batch).</summary>
public static class FlagChanges
{
    public const int MaxKeywords = 50;

    /// <exception cref="MailApiException">validation_failed for a keyword that is not an IMAP atom.</exception>
    public static FlagChange From(bool? seen, bool? flagged, bool? answered, bool? draft,
        IReadOnlyList<string>? addFlags, IReadOnlyList<string>? removeFlags)
    {
        Check(addFlags, "addFlags");
        Check(removeFlags, "removeFlags");
        if (addFlags is not null && removeFlags is not null && addFlags.Intersect(removeFlags, StringComparer.OrdinalIgnoreCase).Any())
            throw MailApiException.Validation("A keyword cannot be both added and removed.");
        return new FlagChange(seen, flagged, answered, draft,
            addFlags is { Count: > 0 } ? addFlags : null, removeFlags is { Count: > 0 } ? removeFlags : null);
    }

    public static bool IsEmpty(FlagChange c) =>
        c is { Seen: null, Flagged: null, Answered: null, Draft: null, AddKeywords: null, RemoveKeywords: null };

    private static void Check(IReadOnlyList<string>? keywords, string name)
    {
        if (keywords is null) return;
        if (keywords.Count > MaxKeywords) throw MailApiException.Validation($"{name} takes at most {MaxKeywords} keywords.");
        foreach (var keyword in keywords)
        {
            if (keyword is null || !Keywords.IsValid(keyword))
                throw MailApiException.Validation($"{name} must hold IMAP keywords such as '$Important' or 'Work' (no spaces, no \\ ( ) {{ % * \" ]); system flags have their own fields.");
        }
    }
}
