using MimeKit;
using MimeKit.IO;

namespace MailGateway.Imap.Mime;

/// <summary>
/// <see cref="BodyParts"/> for a message parsed by MimeKit instead of described by BODYSTRUCTURE (one MailKit refused):
/// the same part numbering (IMAP part specifiers), the same choice of displayed text and HTML, the same attachment list.
/// </summary>
internal static class MimeParts
{
    /// <summary>Leaf parts with their IMAP part specifiers; an attached message (message/rfc822) counts as one leaf.</summary>
    public static IEnumerable<(string PartId, MimeEntity Entity)> Leaves(MimeMessage message) =>
        message.Body switch
        {
            Multipart multipart => Children(multipart, ""),
            { } body => [("1", body)],
            _ => [],
        };

    /// <summary>The text/plain or text/html part a reader would display (not an attachment).</summary>
    public static TextPart? FindBody(MimeMessage message, string subtype) =>
        Leaves(message).Select(l => l.Entity).OfType<TextPart>().FirstOrDefault(t =>
            t.ContentType.IsMimeType("text", subtype) && t.FileName is null &&
            !string.Equals(t.ContentDisposition?.Disposition, "attachment", StringComparison.OrdinalIgnoreCase));

    /// <summary>Leaf parts that are not the message's displayed text/html body.</summary>
    public static IReadOnlyList<AttachmentInfo> Attachments(MimeMessage message)
    {
        var displayed = new HashSet<MimeEntity>(ReferenceEqualityComparer.Instance);
        if (FindBody(message, "plain") is { } text) displayed.Add(text);
        if (FindBody(message, "html") is { } html) displayed.Add(html);
        var result = new List<AttachmentInfo>();
        foreach (var (partId, entity) in Leaves(message))
        {
            if (displayed.Contains(entity)) continue;
            var disposition = entity.ContentDisposition?.Disposition;
            var inline = string.Equals(disposition, "inline", StringComparison.OrdinalIgnoreCase)
                || (disposition is null && entity.ContentId is not null);
            result.Add(new AttachmentInfo(
                partId,
                (entity as MimePart)?.FileName,
                entity.ContentType.MimeType.ToLowerInvariant(),
                EncodedSize(entity),
                entity.ContentId,
                inline && entity.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase)));
        }
        return result;
    }

    private static IEnumerable<(string, MimeEntity)> Children(Multipart multipart, string prefix)
    {
        for (var i = 0; i < multipart.Count; i++)
        {
            var id = prefix + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (multipart[i] is Multipart inner)
                foreach (var leaf in Children(inner, id + ".")) yield return leaf;
            else yield return (id, multipart[i]);
        }
    }

    /// <summary>The part's body as it is on the server (still transfer-encoded), as BODYSTRUCTURE counts it.</summary>
    private static long EncodedSize(MimeEntity entity)
    {
        if (entity is MimePart { Content.Stream: { CanSeek: true } stream }) return stream.Length;
        using var measure = new MeasuringStream();
        if (entity is MessagePart { Message: { } inner }) inner.WriteTo(measure);
        else if (entity is MimePart { Content: { } content }) content.WriteTo(measure);
        return measure.Length;
    }
}
