using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Infrastructure;

public sealed partial class MailEnvFixture
{
    private readonly Lazy<Task<MailEnvironment>> _cyrus;

    public MailEnvFixture() => _cyrus = new(StartCyrusAsync);

    /// <summary>
    /// The second reference server: a private Cyrus 3.6, started on first use, with the same users, passwords and CA as
    /// <see cref="Env"/> (so every gateway already trusts it). No Redis of its own. Each call checks that it still listens
    /// (<see cref="MailEnvironment.EnsureCyrusListeningAsync"/>): one run's worth of tests shares it.
    /// </summary>
    public async Task<MailEnvironment> CyrusAsync()
    {
        var env = await _cyrus.Value;
        await env.EnsureCyrusListeningAsync();
        return env;
    }

    /// <summary>The environment running <paramref name="server"/>.</summary>
    public async Task<MailEnvironment> ServerAsync(MailServerKind server) =>
        server == MailServerKind.Cyrus ? await CyrusAsync() : Env;

    /// <summary>A Cyrus of the caller's own (to kill, kick or stop), with the users, passwords and CA of the shared ones;
    /// no Redis. The caller disposes it.</summary>
    public Task<MailEnvironment> StartPrivateCyrusAsync(CancellationToken ct) => MailEnvironment.StartAsync(new MailEnvironmentOptions
    {
        Server = MailServerKind.Cyrus,
        StartRedis = false,
        CertificatesFrom = Path.GetDirectoryName(Env.CaCertificatePath),
    }, ct);

    private Task<MailEnvironment> StartCyrusAsync() => StartPrivateCyrusAsync(CancellationToken.None);

    private async ValueTask DisposeCyrusAsync()
    {
        if (_cyrus.IsValueCreated && _cyrus.Value.IsCompletedSuccessfully)
            await _cyrus.Value.Result.DisposeAsync();
    }
}
