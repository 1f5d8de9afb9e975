using System.Security.Cryptography;
using System.Text;
using MailGateway.Imap;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MailGateway.Api.Tests;

/// <summary>The gateway over a fake pool (no IMAP, no Redis): for the HTTP mapping of pool outcomes.</summary>
public sealed class FakePoolFactory : WebApplicationFactory<Program>
{
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

    public FakePool Pool { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Authentication:Provider", "Development");
        builder.UseSetting("Authentication:Development:SigningKey", SigningKey);
        builder.UseSetting("Redis:Configuration", "");
        builder.ConfigureLogging(l => l.ClearProviders());
        builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IImapSessionPool>(Pool)));
    }

    public HttpClient CreateClient(string subject, string scopes = "Mail.Read Mail.ReadWrite")
    {
        var client = CreateClient();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "mailgateway-dev",
            Audience = "mailgateway",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scp"] = scopes },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>Verification answers with <see cref="VerifyFailure"/> (null = success) and remembers the secrets it was given.</summary>
public sealed class FakePool : IImapSessionPool
{
    public Exception? VerifyFailure { get; set; }
    public List<string> Resets { get; } = [];

    public ValueTask<IImapSession> RentAsync(ImapAccount account, CancellationToken cancellationToken = default) =>
        throw new ImapUnavailableException("The fake pool has no sessions.");

    public Task VerifyAsync(ImapAccount account, CancellationToken cancellationToken = default) =>
        VerifyFailure is null ? Task.CompletedTask : Task.FromException(VerifyFailure);

    public ValueTask ResetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        lock (Resets)
            Resets.Add(accountId);
        return ValueTask.CompletedTask;
    }

    public AccountConnectionStatus GetStatus(string accountId) => new(AccountConnectionState.Connected, null, DateTimeOffset.UnixEpoch);
}
