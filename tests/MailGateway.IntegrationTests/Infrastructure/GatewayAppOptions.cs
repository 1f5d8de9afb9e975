using System.Security.Cryptography;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>How <see cref="MailEnvFixture.CreateApp"/> configures a gateway.</summary>
public sealed class GatewayAppOptions
{
    /// <summary>Use the environment's Redis (accounts, key ring, backplane); false = in-memory stores.</summary>
    public bool UseRedis { get; set; } = true;

    /// <summary>The hosting environment name; the Development auth provider is refused outside "Development".</summary>
    public string Environment { get; set; } = "Development";

    /// <summary>HMAC key of the Development provider; give a second instance the first one's key.</summary>
    public string SigningKey { get; set; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

    /// <summary>Runs after the app's own service registrations: replace or decorate services for one test.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Extra configuration (applied last, so it overrides the harness defaults). A null value removes a key.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);
}
