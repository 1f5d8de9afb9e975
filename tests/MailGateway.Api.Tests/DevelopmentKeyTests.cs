using MailGateway.Imap;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MailGateway.Api.Tests;

/// <summary>The signing key committed in appsettings.Development.json cannot be used by a container (an image run in
/// Development without its own key),; the csproj also keeps appsettings.Development.json out of a publish.</summary>
public class DevelopmentKeyTests
{
    private const string CommittedKey = "mailgateway-development-signing-key-not-for-production";

    private sealed class DevFactory(string key, bool inContainer) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Authentication:Provider", "Development");
            builder.UseSetting("Authentication:Development:SigningKey", key);
            builder.UseSetting("DOTNET_RUNNING_IN_CONTAINER", inContainer ? "true" : "");
            builder.UseSetting("Redis:Configuration", "");
            builder.UseSetting("DataProtection:KeysDirectory", Path.Combine(Path.GetTempPath(), "mg-devkey-tests-keys"));
            builder.ConfigureLogging(l => l.ClearProviders());
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IImapSessionPool>(new FakePool())));
        }
    }

    [Fact]
    public async Task The_committed_key_is_refused_in_a_container()
    {
        await using var factory = new DevFactory(CommittedKey, inContainer: true);
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("Authentication__Development__SigningKey", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CommittedKey, false)]                                         // dotnet run on a developer's machine
    [InlineData("a-key-of-this-container-only-0123456789abcdef", true)]     // an explicit key in a container
    public async Task Other_combinations_start(string key, bool inContainer)
    {
        await using var factory = new DevFactory(key, inContainer);
        Assert.NotNull(factory.Server);
    }
}
