using System.Globalization;
using MimeKit;

namespace MailGateway.Testing.Seeding;

/// <summary>One message to append: the bytes, its flags and internal date.</summary>
internal readonly record struct SeedMessage(byte[] Data, string Flags, DateTimeOffset Date);

/// <summary>Builds a realistic mail mix (sizes, charsets, attachments, threads), deterministically from a seed.</summary>
internal sealed class MessageFactory(BodyTemplates templates, string user, int seed)
{
    private static readonly FormatOptions Crlf = CreateFormat();
    private readonly Random _random = new(seed);
    private readonly List<(string Id, string Subject, string References)> _recent = [];

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    public SeedMessage Next(string folder, int seq, DateTimeOffset date, string? markerKind = null, MimeEntity? markerBody = null)
    {
        var roll = _random.Next(100);
        var (kind, pool) = roll switch
        {
            < 35 => ("plain", templates.Plain),
            < 70 => ("alternative", templates.Alternative),
            < 78 => ("related", templates.Related),
            < 98 => ("mixed", templates.Mixed),
            _ => ("latin1-qp", templates.Latin1),
        };
        var body = markerBody ?? pool[_random.Next(pool.Length)];
        kind = markerKind ?? kind;

        var message = new MimeMessage();
        var sender = MailCorpus.People[_random.Next(MailCorpus.People.Length)];
        var me = new MailboxAddress(user, $"{user}@mailenv.test");
        var other = new MailboxAddress(sender.Name, sender.Address);
        var outgoing = folder is "Sent" or "Drafts";
        message.From.Add(outgoing ? me : other);
        message.To.Add(outgoing ? other : me);
        if (_random.Next(4) == 0)
        {
            var cc = MailCorpus.People[_random.Next(MailCorpus.People.Length)];
            message.Cc.Add(new MailboxAddress(cc.Name, cc.Address));
        }

        var id = $"{folder.Replace('/', '.')}.{seq}.{seed}@{user}.mailenv.test";
        var subject = string.Format(CultureInfo.InvariantCulture, MailCorpus.Subjects[_random.Next(MailCorpus.Subjects.Length)], _random.Next(1, 999));
        if (markerKind is null && _recent.Count > 0 && _random.Next(100) < 35)
        {
            var parent = _recent[_random.Next(Math.Max(0, _recent.Count - 20), _recent.Count)];
            subject = parent.Subject.StartsWith("Re: ", StringComparison.Ordinal) ? parent.Subject : "Re: " + parent.Subject;
            message.InReplyTo = parent.Id;
            foreach (var reference in $"{parent.References} {parent.Id}".Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeLast(10))
                message.References.Add(reference);
        }
        if (markerKind is not null)
            subject = $"Marker: {markerKind}";
        message.Subject = subject;
        message.Date = date;
        message.MessageId = id;
        message.Headers.Add("X-Mailenv-Kind", kind);
        message.Headers.Add("X-Mailenv-Seq", seq.ToString(CultureInfo.InvariantCulture));
        message.Body = body;
        _recent.Add((id, subject, string.Join(' ', message.References)));

        using var stream = new MemoryStream(body is MimePart or TextPart ? 4096 : 16384);
        message.WriteTo(Crlf, stream);
        return new SeedMessage(stream.ToArray(), Flags(folder), date);
    }

    private string Flags(string folder)
    {
        var flags = new List<string>();
        if (folder == "Drafts")
            return "(\\Draft)";
        if (folder is "Sent" || _random.Next(100) < 70)
            flags.Add("\\Seen");
        if (_random.Next(100) < 15)
            flags.Add("\\Answered");
        if (_random.Next(100) < 8)
            flags.Add("\\Flagged");
        if (_random.Next(100) < 5)
            flags.Add("$Forwarded");
        if (folder == "Junk")
            flags.Add("$Junk");
        foreach (var keyword in MailCorpus.Keywords)
        {
            if (_random.Next(100) < 6)
                flags.Add(keyword);
        }
        return $"({string.Join(' ', flags)})";
    }
}
