using MailGateway.IntegrationTests.Changes;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Mailboxes;
using MailGateway.IntegrationTests.Messages;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Cyrus;

// The IMAP-behaviour test classes once more against the second reference server, Cyrus 3.6 (fixture.CyrusAsync()):
// every inherited test runs with the same user names on the Cyrus instance.

public sealed class CyrusMessageListTests(MailEnvFixture fixture) : MessageListTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

public sealed class CyrusMessageReadTests(MailEnvFixture fixture) : MessageReadTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

public sealed class CyrusMessageWriteTests(MailEnvFixture fixture) : MessageWriteTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

public sealed class CyrusMessageAppendTests(MailEnvFixture fixture) : MessageAppendTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

public sealed class CyrusMailboxesTests(MailEnvFixture fixture) : MailboxesTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}

public sealed class CyrusChangesTests(MailEnvFixture fixture) : ChangesTests(fixture)
{
    protected override MailServerKind Server => MailServerKind.Cyrus;
}
