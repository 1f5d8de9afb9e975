using System.Diagnostics.Metrics;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>Issue 14 item 3: a query with the message pages of several mailboxes takes one pooled-connection lease per
/// account for all of them (and one for the account's mailbox list), not one per page. Users user160, user169.</summary>
public sealed class GraphQLLeaseTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private static readonly string[] _users = ["user160", "user169"];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;
    private HttpClient _http = null!;

    private const string Query = """
        { accounts { id mailboxes { id total messages(first: 3) { edges { node { id subject } } } } } }
        """;

    public async ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => o.UseRedis = false);
        _http = _app.CreateClient("graphql-leases");
        foreach (var user in _users)
        {
            await fixture.Env.SeedAsync(user, 6, _ct);
            await _app.RegisterAccountAsync(_http, user, _ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_pages_of_every_mailbox_of_an_account_share_one_lease()
    {
        await GraphQLCalls.DataAsync(_http, Query, ct: _ct); // warm: connections open and logged in
        var factory = _app.Services.GetRequiredService<IMeterFactory>();
        long leases = 0;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "mailgateway.imap.leases.active" && instrument.Meter.Name == ImapTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
            {
                if (value > 0) Interlocked.Add(ref leases, value);
            });
            listener.Start();
            var data = await GraphQLCalls.DataAsync(_http, Query, ct: _ct);

            var accounts = data.GetProperty("accounts").EnumerateArray().ToList();
            Assert.Equal(_users.Length, accounts.Count);
            var pages = 0;
            foreach (var mailbox in accounts.SelectMany(a => a.GetProperty("mailboxes").EnumerateArray()))
            {
                pages++;
                Assert.Equal(Math.Min(3, mailbox.GetProperty("total").GetInt32()), mailbox.GetProperty("messages").GetProperty("edges").GetArrayLength());
            }
            Assert.True(pages >= 2 * 6, $"expected the seeded folders of both users, got {pages} mailboxes");
        }
        // One lease for the mailbox list and one for all message pages, per account.
        Assert.Equal(2 * _users.Length, Interlocked.Read(ref leases));
    }
}
