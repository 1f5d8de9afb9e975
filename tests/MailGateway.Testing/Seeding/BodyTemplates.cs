using System.Text;
using MimeKit;
using MimeKit.Text;

namespace MailGateway.Testing.Seeding;

/// <summary>
/// A small pool of MIME bodies per kind, built once from a seeded random source; messages reuse them with their own
/// headers. Boundaries and content ids are fixed so the same seed always gives the same bytes.
/// </summary>
internal sealed class BodyTemplates
{
    public const int PoolSize = 24;
    private readonly Random _random;
    private int _boundary;

    public BodyTemplates(int seed)
    {
        _random = new Random(seed);
        Plain = Build(i => PlainPart(Paragraphs(1 + i % 6)));
        Alternative = Build(i => Alternative_(Paragraphs(1 + i % 5)));
        Related = Build(Related_);
        Mixed = Build(Mixed_);
        Latin1 = Build(i => Latin1_());
    }

    public MimeEntity[] Plain { get; }
    public MimeEntity[] Alternative { get; }
    public MimeEntity[] Related { get; }
    public MimeEntity[] Mixed { get; }
    public MimeEntity[] Latin1 { get; }

    private MimeEntity[] Build(Func<int, MimeEntity> make) => [.. Enumerable.Range(0, PoolSize).Select(make)];

    public string Paragraphs(int count)
    {
        var sb = new StringBuilder("Hello,\n\n");
        for (var p = 0; p < count; p++)
        {
            var words = 20 + _random.Next(60);
            for (var w = 0; w < words; w++)
            {
                sb.Append(MailCorpus.Words[_random.Next(MailCorpus.Words.Length)]);
                sb.Append(w % 13 == 12 ? ".\n" : " ");
            }
            if (_random.Next(3) == 0)
                sb.Append(' ').Append(MailCorpus.NonAsciiSentences[_random.Next(MailCorpus.NonAsciiSentences.Length)]);
            sb.Append("\n\n");
        }
        return sb.Append("Best regards\n").ToString();
    }

    private static TextPart PlainPart(string text)
    {
        var part = new TextPart(TextFormat.Plain);
        part.SetText(Encoding.UTF8, text);
        part.ContentTransferEncoding = text.Any(c => c > 127) ? ContentEncoding.QuotedPrintable : ContentEncoding.SevenBit;
        return part;
    }

    private static TextPart HtmlPart(string text, string? imageCid = null)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        foreach (var para in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            html.Append("<p>").Append(System.Net.WebUtility.HtmlEncode(para).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>\n");
        if (imageCid is not null)
            html.Append("<p><img src=\"cid:").Append(imageCid).Append("\" alt=\"logo\" width=\"32\" height=\"32\"></p>\n");
        // Something a sanitizer must strip.
        html.Append("<script>alert('x')</script><a href=\"https://example.com/track\" onclick=\"steal()\">link</a></body></html>\n");
        var part = new TextPart(TextFormat.Html);
        part.SetText(Encoding.UTF8, html.ToString());
        part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return part;
    }

    private Multipart Multi(string subtype)
    {
        return new Multipart(subtype) { Boundary = $"=_mailenv_{_boundary++:D4}" };
    }

    private Multipart Alternative_(string text)
    {
        var alt = Multi("alternative");
        alt.Add(PlainPart(text));
        alt.Add(HtmlPart(text));
        return alt;
    }

    private MimeEntity Related_(int i)
    {
        var cid = $"logo{i}@mailenv.test";
        var text = Paragraphs(1 + i % 3);
        var related = Multi("related");
        related.ContentType.Parameters.Add("type", "text/html");
        related.Add(HtmlPart(text, cid));
        related.Add(new MimePart("image", "png")
        {
            ContentId = cid,
            Content = new MimeContent(new MemoryStream(BinaryAssets.Png(_random, 16))),
            ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "logo.png" },
            ContentTransferEncoding = ContentEncoding.Base64,
        });
        var alt = Multi("alternative");
        alt.Add(PlainPart(text));
        alt.Add(related);
        return alt;
    }

    private MimeEntity Mixed_(int i)
    {
        var mixed = Multi("mixed");
        mixed.Add(i % 2 == 0 ? PlainPart(Paragraphs(1 + i % 3)) : Alternative_(Paragraphs(1 + i % 3)));
        var count = 1 + i % 3;
        for (var a = 0; a < count; a++)
            mixed.Add(Attachment((i + a) % 6, i));
        return mixed;
    }

    private MimeEntity Attachment(int kind, int i) => kind switch
    {
        0 => File("application", "pdf", $"report-{i}.pdf", BinaryAssets.Pdf($"Report {i}")),
        1 => File("image", "png", $"screenshot-{i}.png", BinaryAssets.Png(_random, 24 + i % 16)),
        2 => File("text", "csv", $"export-{i}.csv", BinaryAssets.Csv(_random, 20 + i * 3)),
        3 => File("text", "calendar", "invite.ics", BinaryAssets.Ics(i)),
        4 => new MessagePart { Message = Forwarded(i), ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) },
        _ => File("application", "octet-stream", $"data-{i}.bin", BinaryAssets.Random(_random, 2048 + i * 512)),
    };

    private static MimePart File(string type, string subtype, string name, byte[] content) => new(type, subtype)
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = name },
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = name,
    };

    private MimeMessage Forwarded(int i)
    {
        var (name, address) = MailCorpus.People[i % MailCorpus.People.Length];
        var message = new MimeMessage
        {
            Subject = $"Original message {i}",
            Date = new DateTimeOffset(2025, 1, 1 + i % 28, 10, 0, 0, TimeSpan.Zero),
            MessageId = $"forwarded-{i}@mailenv.test",
            Body = PlainPart(Paragraphs(1)),
        };
        message.From.Add(new MailboxAddress(name, address));
        message.To.Add(new MailboxAddress("Alice Example", "alice@example.com"));
        return message;
    }

    private MimeEntity Latin1_()
    {
        var sb = new StringBuilder();
        for (var s = 0; s < 3 + _random.Next(4); s++)
            sb.Append(MailCorpus.Latin1Sentences[_random.Next(MailCorpus.Latin1Sentences.Length)]).Append("\n\n");
        var part = new TextPart(TextFormat.Plain);
        part.SetText(Encoding.Latin1, sb.ToString());
        part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return part;
    }

    /// <summary>text/plain quoted-printable whose encoded size is about <paramref name="encodedBytes"/>.</summary>
    public MimeEntity LargeText(int encodedBytes)
    {
        var sb = new StringBuilder();
        var part = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        while (true)
        {
            sb.Append(Paragraphs(10));
            part.SetText(Encoding.UTF8, sb.ToString());
            using var measure = new MemoryStream();
            part.WriteTo(measure);
            if (measure.Length >= encodedBytes)
                return part;
        }
    }

    /// <summary>multipart/mixed with a short text and a binary attachment of <paramref name="bytes"/> bytes.</summary>
    public MimeEntity LargeAttachment(int bytes)
    {
        var mixed = Multi("mixed");
        mixed.Add(PlainPart("The archive you asked for is attached.\n"));
        mixed.Add(File("application", "octet-stream", "archive.bin", BinaryAssets.Random(_random, bytes)));
        return mixed;
    }
}
