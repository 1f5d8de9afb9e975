using System.Text;
using MailGateway.Testing;
using MimeKit;

namespace MailGateway.Bench;

/// <summary>A 50 KB HTML message (styles, links, remote images, tables): what the gateway cleans for display on every
/// read unless it kept the cleaned result (<c>CleanedHtmlMemo</c>), and what direct MailKit only parses.</summary>
internal static class HtmlMessage
{
    public static Task<uint> AppendAsync(MailEnvironment env, string user, CancellationToken cancellationToken)
    {
        var html = new StringBuilder("<html><head><style>p{color:#333}</style></head><body>");
        for (var i = 0; html.Length < 50_000; i++)
            html.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<div class=\"row\" style=\"margin:0\"><p>Paragraph {i}: <b>quarterly</b> figures, <a href=\"https://example.test/r/{i}\">details</a> " +
                $"<img src=\"https://images.example.test/{i}.png\" width=\"1\"></p><table><tr><td>cell</td><td>{i}</td></tr></table></div>\n");
        html.Append("</body></html>");
        var message = new MimeMessage { Subject = "bench html 50k", Body = new TextPart("html") { Text = html.ToString() } };
        message.From.Add(new MailboxAddress("Bench", "bench@example.test"));
        message.To.Add(new MailboxAddress("User", $"{user}@example.test"));
        return env.AppendAsync(user, "INBOX", message, cancellationToken);
    }
}
