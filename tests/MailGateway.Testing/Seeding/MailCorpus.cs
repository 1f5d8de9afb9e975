namespace MailGateway.Testing.Seeding;

/// <summary>Names, subjects and words the seeder draws from (several scripts, so RFC 2047 encoding gets exercised).</summary>
internal static class MailCorpus
{
    public static readonly (string Name, string Address)[] People =
    [
        ("Alice Example", "alice@example.com"),
        ("Bob Builder", "bob@example.org"),
        ("Jürgen Müller", "juergen.mueller@example.de"),
        ("Zoë Åberg", "zoe.aberg@example.se"),
        ("山田太郎", "taro.yamada@example.jp"),
        ("Γιώργος Παπαδόπουλος", "g.papadopoulos@example.gr"),
        ("Дмитрий Иванов", "d.ivanov@example.ru"),
        ("François Dupont", "francois@example.fr"),
        ("Support Team", "support@vendor.example"),
        ("GitHub", "notifications@github.example"),
        ("Priya Sharma", "priya@example.in"),
        ("Chen Wei 陈伟", "chen.wei@example.cn"),
        ("", "no-reply@service.example"),
        ("O'Brien, Seán", "sean.obrien@example.ie"),
        ("Marta Nowak", "marta.nowak@example.pl"),
        ("🚀 Launch Bot", "launch@bots.example"),
    ];

    public static readonly string[] Subjects =
    [
        "Quarterly report",
        "Meeting notes from Tuesday",
        "Invoice #{0} due next week",
        "Your order has shipped",
        "Lunch tomorrow?",
        "Build failed on main ({0})",
        "Besprechung am Donnerstag – Tagesordnung",
        "Grüße aus München",
        "会議の議事録について",
        "来週の予定",
        "Συνάντηση την Παρασκευή",
        "Отчёт за квартал",
        "Встреча в понедельник",
        "🎉 Release {0} is out!",
        "Re-planning the roadmap 🚧",
        "Café au lait et crème brûlée",
        "Security alert for your account",
        "Weekly digest: {0} new items",
        "Please review: design doc v{0}",
        "A very long subject line that keeps going and going so that it has to be folded across several header lines when written",
    ];

    public static readonly string[] Words =
    (
        "the quick brown fox jumps over lazy dog project meeting report budget release schedule review design " +
        "customer server mailbox message thread attachment deadline team update question answer proposal draft " +
        "invoice payment shipping order support ticket feature bug fix deploy monitor latency throughput cache"
    ).Split(' ');

    public static readonly string[] NonAsciiSentences =
    [
        "Schöne Grüße und vielen Dank für die schnelle Rückmeldung.",
        "よろしくお願いいたします。",
        "Ευχαριστώ πολύ για τη βοήθεια.",
        "Спасибо за быстрый ответ!",
        "Merci beaucoup, à bientôt.",
        "Thanks! 👍🙂",
    ];

    public static readonly string[] Latin1Sentences =
    [
        "Sehr geehrte Damen und Herren, anbei die Unterlagen für die Sitzung am Freitag.",
        "Die Straße wird wegen Bauarbeiten gesperrt; bitte nutzen Sie die Umleitung über die Brücke.",
        "Voilà le résumé de la réunion : décisions prises, tâches à faire, échéances fixées.",
        "Año nuevo, vida nueva: señor Muñoz llegará mañana a las once.",
    ];

    public static readonly string[] Keywords = ["$Label1", "$Important", "$MDNSent", "Work"];
}
