using MailGateway.Testing;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>A private Cyrus for the watcher tests (no Redis).</summary>
public sealed class CyrusWatchEnvFixture : WatchEnvFixture
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

/// <summary>The watcher scenarios on Cyrus: no NOTIFY, so IDLE on INBOX and a STATUS sweep (issue 16).</summary>
public sealed class CyrusMailboxWatcherTests(CyrusWatchEnvFixture fixture) : WatcherScenarios(fixture), IClassFixture<CyrusWatchEnvFixture>
{
    protected override TimeSpan? PollInterval => TimeSpan.FromSeconds(1);

    protected override bool AnswersNoForADeletedSelectedMailbox => true;
}
