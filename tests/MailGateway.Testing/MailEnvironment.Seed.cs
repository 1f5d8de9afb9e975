using System.Diagnostics;
using MailGateway.Testing.Seeding;

namespace MailGateway.Testing;

/// <summary>What <see cref="MailEnvironment.SeedAsync(string, SeedOptions, CancellationToken)"/> appended.</summary>
public sealed record SeedResult(string User, IReadOnlyDictionary<string, int> Counts, long Bytes, TimeSpan Elapsed)
{
    public int Total => Counts.Values.Sum();
}

public sealed partial class MailEnvironment
{
    /// <summary>Folders the seeder fills besides INBOX (Projects/* are created).</summary>
    public static readonly IReadOnlyList<string> SeededFolders = ["Sent", "Archive", "Drafts", "Trash", "Junk", "Projects/Alpha", "Projects/Beta"];

    private const int BatchMessages = 200;
    private const int BatchBytes = 8 * 1024 * 1024;

    /// <summary>Appends <paramref name="inboxCount"/> realistic messages to INBOX and some to the other folders.</summary>
    public Task<SeedResult> SeedAsync(string user, int inboxCount, CancellationToken ct = default) =>
        SeedAsync(user, new SeedOptions { InboxCount = inboxCount }, ct);

    /// <summary>
    /// Appends the realistic mail mix (Seeding/MessageFactory): dates ascend with UID, every message carries
    /// <c>X-Mailenv-Kind</c> and <c>X-Mailenv-Seq</c>; the same <see cref="SeedOptions.Seed"/> gives the same messages.
    /// </summary>
    public async Task<SeedResult> SeedAsync(string user, SeedOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        var now = options.Now ?? new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var templates = new BodyTemplates(options.Seed);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        long bytes = 0;

        await using var appender = await ImapBulkAppender.ConnectAsync(Host, ImapsPort, CaCertificatePath, user, CurrentPasswordOf(user), ct).ConfigureAwait(false);
        var pending = new List<Task<string>>();
        var plan = new List<(string Folder, int Count)> { ("INBOX", options.InboxCount) };
        if (options.OtherFolders)
        {
            foreach (var folder in new[] { "Projects/Alpha", "Projects/Beta" })
            {
                try
                {
                    await appender.CommandAsync($"CREATE \"{folder}\"", ct).ConfigureAwait(false);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("ALREADYEXISTS", StringComparison.Ordinal))
                {
                    // Seeding twice into the same user.
                }
                await appender.CommandAsync($"SUBSCRIBE \"{folder}\"", ct).ConfigureAwait(false);
            }
            var k = options.OtherFolderCount ?? Math.Clamp(options.InboxCount / 50, 3, 40);
            plan.AddRange([("Sent", k), ("Archive", k), ("Drafts", Math.Max(1, k / 4)), ("Trash", Math.Max(1, k / 4)),
                ("Junk", Math.Max(1, k / 4)), ("Projects/Alpha", Math.Max(1, k / 2)), ("Projects/Beta", Math.Max(1, k / 4))]);
        }

        var folderSeed = options.Seed;
        foreach (var (folder, count) in plan)
        {
            var factory = new MessageFactory(templates, user, folderSeed++);
            var markers = folder == "INBOX" ? Markers(options, templates) : [];
            var total = count + markers.Count;
            var span = TimeSpan.FromDays(options.Days);
            var batch = new List<SeedMessage>();
            var batchBytes = 0;
            for (var seq = 1; seq <= total; seq++)
            {
                // Ascending with UID; the newest message is `now`.
                var date = now - span + span * seq / total;
                // Markers sit in the middle, so the newest page is ordinary mail.
                var markerIndex = seq - (count / 2 + 1);
                var message = markerIndex >= 0 && markerIndex < markers.Count
                    ? factory.Next(folder, seq, date, markers[markerIndex].Kind, markers[markerIndex].Body)
                    : factory.Next(folder, seq, date);
                if (batch.Count > 0 && (batch.Count >= BatchMessages || batchBytes + message.Data.Length > BatchBytes))
                {
                    pending.Add(await appender.AppendAsync(folder, batch, ct).ConfigureAwait(false));
                    batch = [];
                    batchBytes = 0;
                }
                batch.Add(message);
                batchBytes += message.Data.Length;
                bytes += message.Data.Length;
            }
            if (batch.Count > 0)
                pending.Add(await appender.AppendAsync(folder, batch, ct).ConfigureAwait(false));
            counts[folder] = total;
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        return new SeedResult(user, counts, bytes, watch.Elapsed);
    }

    private static List<(string Kind, MimeKit.MimeEntity Body)> Markers(SeedOptions options, BodyTemplates templates)
    {
        var markers = new List<(string, MimeKit.MimeEntity)>();
        if (options.Body50kMarker)
            markers.Add(("body-50k", templates.LargeText(50_000)));
        if (options.LargeAttachmentMarker)
            markers.Add(("large-attachment", templates.LargeAttachment(5 * 1024 * 1024)));
        return markers;
    }
}
