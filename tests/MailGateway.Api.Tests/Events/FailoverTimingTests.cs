using MailGateway.Api.Cluster;
using MailGateway.Api.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Events;

/// <summary>The timing that makes a dead instance's accounts move within the lease TTL (issue 15): by default its
/// registration lives four heartbeats of an eighth of <c>Events:LeaseTtl</c>, half the TTL, after which the new owners
/// take its leases over; an explicit <c>Cluster:HeartbeatInterval</c> wins.</summary>
public sealed class FailoverTimingTests
{
    [Theory]
    [InlineData("00:00:15", null, 1875, 7500)]
    [InlineData("00:00:04", null, 500, 2000)]
    [InlineData("00:00:30", "00:00:01", 1000, 4000)]
    public void The_registration_lives_four_heartbeats_and_by_default_half_the_lease_ttl(string leaseTtl, string? heartbeat, int beatMs, int registrationMs)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Events:LeaseTtl"] = leaseTtl,
            ["Cluster:HeartbeatInterval"] = heartbeat,
        });
        builder.Services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section);
        builder.AddMailEvents();
        using var services = builder.Services.BuildServiceProvider();

        var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(TimeSpan.FromMilliseconds(beatMs), cluster.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(registrationMs), cluster.InstanceTtl);
        Assert.True(cluster.InstanceTtl < services.GetRequiredService<IOptions<EventsOptions>>().Value.LeaseTtl);
    }
}
