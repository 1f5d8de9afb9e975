using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using MailGateway.Testing;

[assembly: AssemblyFixture(typeof(MailGateway.IntegrationTests.Infrastructure.MailEnvFixture))]

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>
/// One private Dovecot + Redis for the whole test assembly, one shared gateway on it (<see cref="App"/>), and the
/// captured log lines and HTTP responses of every gateway the run starts, so tests can scan them for secrets.
/// Inject it into a test class constructor. Use a different Dovecot user per test class.
/// </summary>
public sealed partial class MailEnvFixture : IAsyncLifetime
{
    private GatewayApp? _app;

    public MailEnvironment Env { get; private set; } = null!;

    /// <summary>Every log line (category, level, message, exception) written by any gateway of this run.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Every response body (and header block) any harness client received.</summary>
    public ConcurrentQueue<string> Responses { get; } = new();

    /// <summary>Every bearer token and signing key the harness minted or generated: none may appear in a log line.</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    /// <summary>The shared gateway: Development auth, Redis, private networks allowed, the test CA trusted.</summary>
    public GatewayApp App => _app ??= CreateApp();

    public async ValueTask InitializeAsync()
    {
        Env = await MailEnvironment.StartAsync(new MailEnvironmentOptions { StartRedis = true, RedisAppendOnly = true }, TestContext.Current.CancellationToken);
    }

    /// <summary>A new gateway on the same mail environment (dispose it). Pass the same signing key to make a second instance
    /// that accepts the same tokens; with Redis it shares accounts and the Data Protection key ring.</summary>
    public GatewayApp CreateApp(Action<GatewayAppOptions>? configure = null)
    {
        var options = new GatewayAppOptions();
        configure?.Invoke(options);
        Secrets.Add(options.SigningKey);
        return new GatewayApp(this, options);
    }

    /// <summary>Log lines containing a known secret: test passwords, minted tokens, signing keys.</summary>
    public IReadOnlyList<string> FindSecretsInLogs() => FindSecrets(Logs.Lines);

    /// <summary>Response bodies containing a known secret (signing keys excepted: they are never sent anyway).</summary>
    public IReadOnlyList<string> FindSecretsInResponses() => FindSecrets(Responses);

    private List<string> FindSecrets(IEnumerable<string> texts)
    {
        var secrets = Secrets.Where(s => s.Length >= 8).Distinct().ToList();
        return [.. texts.Where(t => PasswordPattern().IsMatch(t) || secrets.Any(s => t.Contains(s, StringComparison.Ordinal)))];
    }

    /// <summary>Every Dovecot password of the environment is <c>pass-&lt;user&gt;</c>; tests add their own via <see cref="Secrets"/>.</summary>
    [GeneratedRegex(@"pass-(user\d+|alice|bob|demo)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        await DisposeCyrusAsync();
        await DisposePostfixAsync();
        if (Env is not null)
            await Env.DisposeAsync();
        // The last line of defence of "no secret in any log": the whole run's output is checked once more.
        var leaks = FindSecretsInLogs();
        if (leaks.Count > 0)
            throw new InvalidOperationException($"{leaks.Count} captured log line(s) contain a secret, e.g.: {Redact(leaks[0])}");
    }

    private static string Redact(string line) => PasswordPattern().Replace(line, "pass-***");
}
