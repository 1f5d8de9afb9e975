using System.Net.Http.Headers;
using MailGateway.Testing;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>The on-behalf-of tests' gateway (OnBehalfOfOAuthTests for IMAP, SmtpOnBehalfOfTests for SMTP): Microsoft.Identity.Web's
/// token acquisition is replaced at its interface by a fake that records what the gateway asks for and answers a JWT the mail
/// environment's Dovecot accepts for <see cref="TokenUser"/> (no Entra ID here); the SASL exchange with the server stays real.</summary>
internal sealed class OnBehalfOfGateway : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private FakeTokenAcquisition? _acquisition;

    public OnBehalfOfGateway(MailEnvFixture fixture, MailEnvironment env, string tokenUser)
    {
        TokenUser = tokenUser;
        App = fixture.CreateApp();
        _factory = App.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddSingleton<ITokenAcquisition>(sp => _acquisition = new FakeTokenAcquisition(() =>
            {
                var jwt = env.MintImapOAuthToken(TokenUser, TimeSpan.FromMinutes(10));
                fixture.Secrets.Add(jwt);
                return jwt;
            }, sp.GetService<IHttpContextAccessor>()))));
    }

    public GatewayApp App { get; }

    /// <summary>The mail user whose token the fake answers.</summary>
    public string TokenUser { get; set; }

    /// <summary>What the gateway asked the token acquisition for, in order (empty while it asked nothing).</summary>
    public IReadOnlyCollection<FakeTokenAcquisition.Call> Calls => _acquisition?.Calls ?? [];

    /// <summary>A client of the gateway with the fake token acquisition and no token yet.</summary>
    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>A client with a delegated token of an Entra ID user (tid + oid), as the EntraId provider would validate it.</summary>
    public HttpClient EntraUserClient(string subject, string oid)
    {
        var client = _factory.CreateClient();
        var token = App.CreateToken(subject, extraClaims: new Dictionary<string, object> { ["tid"] = "tenant-obo", ["oid"] = oid });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await App.DisposeAsync();
    }
}
