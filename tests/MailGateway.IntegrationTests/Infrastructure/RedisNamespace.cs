namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A part of the fixture's Redis that one test has to itself (<see cref="MailEnvFixture.RedisNamespaceFor"/>):
/// on a plain redis-server a database of its own (it has 32); on a Redis Cluster, which has only database 0, a key
/// prefix of its own (<c>Redis:KeyPrefix</c>; every key, stream and channel of the gateway starts with it). Gateways
/// given the same namespace share accounts, leases, queues and the key ring, as instances of one deployment do.
/// </summary>
public sealed record RedisNamespace(string Configuration, string KeyPrefix, int Database)
{
    /// <summary>Points a gateway at this namespace: <c>Redis:Configuration</c> and <c>Redis:KeyPrefix</c>.</summary>
    public void ApplyTo(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Redis:Configuration"] = Configuration;
        settings["Redis:KeyPrefix"] = KeyPrefix;
    }

    /// <summary>The full name of a gateway key, e.g. <c>Key("{accounts}:all")</c> is <c>mg:{accounts}:all</c> on a plain Redis.</summary>
    public string Key(string name) => KeyPrefix + name;
}
