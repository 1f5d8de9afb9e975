using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Infrastructure;

public sealed partial class MailEnvFixture
{
    private Task<MailEnvironment>? _postfix;
    private readonly Lock _postfixLock = new();

    /// <summary>A second Dovecot with a private Postfix (submission + LMTP delivery), started on first use, with the same users,
    /// passwords and CA as <see cref="Env"/>, so every gateway already trusts it. The sending tests register its users.</summary>
    public Task<MailEnvironment> PostfixAsync()
    {
        lock (_postfixLock)
        {
            return _postfix ??= MailEnvironment.StartAsync(new MailEnvironmentOptions
            {
                StartRedis = false,
                StartPostfix = true,
                CertificatesFrom = Path.GetDirectoryName(Env.CaCertificatePath),
            }, CancellationToken.None);
        }
    }

    private async ValueTask DisposePostfixAsync()
    {
        if (_postfix is { IsCompletedSuccessfully: true })
            await _postfix.Result.DisposeAsync();
    }
}
