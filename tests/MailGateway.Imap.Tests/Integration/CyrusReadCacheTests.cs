using MailGateway.Imap.Tests.Infrastructure;
using MailGateway.Imap.Tests.Watching;
using MailGateway.Testing;

namespace MailGateway.Imap.Tests.Integration;

/// <summary>The read cache's freshness tests once more against a private Cyrus (issue 16: any server): the one-command
/// proofs rely on how a server syncs a session, so each server must show it.</summary>
public sealed class CyrusReadCacheTests(ImapEnvironment fixture, CyrusWatchEnvFixture cyrus) : ReadCacheTests(fixture), IClassFixture<CyrusWatchEnvFixture>
{
    protected override MailEnvironment Env => cyrus.Env;
}
