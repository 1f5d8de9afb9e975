using MailKit;

namespace MailGateway.Imap.Mime;

/// <summary>Reads BODYSTRUCTURE: attachments with their IMAP part ids, inline detection, part lookup.</summary>
internal static class BodyParts
{
    public static bool HasAttachments(BodyPart body) => Attachments(body).Any(a => !a.Inline);

    /// <summary>Leaf parts that are not the message's displayed text/html body.</summary>
    public static IReadOnlyList<AttachmentInfo> Attachments(BodyPart body)
    {
        var result = new List<AttachmentInfo>();
        var displayed = new HashSet<BodyPart>(ReferenceEqualityComparer.Instance);
        if (FindBody(body, "plain") is { } text) displayed.Add(text);
        if (FindBody(body, "html") is { } html) displayed.Add(html);
        foreach (var part in Leaves(body))
        {
            if (displayed.Contains(part)) continue;
            var disposition = part.ContentDisposition?.Disposition;
            var inline = string.Equals(disposition, "inline", StringComparison.OrdinalIgnoreCase)
                || (disposition is null && part.ContentId is not null);
            result.Add(new AttachmentInfo(
                string.IsNullOrEmpty(part.PartSpecifier) ? "1" : part.PartSpecifier,
                part.FileName,
                part.ContentType.MimeType.ToLowerInvariant(),
                part.Octets,
                part.ContentId,
                inline && part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase)));
        }
        return result;
    }

    /// <summary>The text/plain or text/html part a reader would display (not an attachment).</summary>
    public static BodyPartText? FindBody(BodyPart body, string subtype)
    {
        foreach (var part in Leaves(body))
        {
            if (part is BodyPartText text && text.ContentType.IsMimeType("text", subtype) &&
                !string.Equals(part.ContentDisposition?.Disposition, "attachment", StringComparison.OrdinalIgnoreCase) &&
                part.FileName is null)
                return text;
        }
        return null;
    }

    public static BodyPartBasic? Find(BodyPart body, string partId)
    {
        foreach (var part in Leaves(body))
        {
            var id = string.IsNullOrEmpty(part.PartSpecifier) ? "1" : part.PartSpecifier;
            if (id == partId) return part;
        }
        return null;
    }

    /// <summary>Leaf parts in order; an attached message (message/rfc822) counts as one leaf.</summary>
    public static IEnumerable<BodyPartBasic> Leaves(BodyPart body)
    {
        switch (body)
        {
            case BodyPartMultipart multipart:
                foreach (var child in multipart.BodyParts)
                    foreach (var leaf in Leaves(child)) yield return leaf;
                break;
            case BodyPartBasic basic:
                yield return basic;
                break;
        }
    }

    public static bool IsValidPartId(string partId) =>
        partId.Length is > 0 and <= 64 && partId.Split('.').All(s => s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit) && s[0] != '0');
}
