using System.Collections.Concurrent;

namespace MailGateway.IntegrationTests.Infrastructure;

/// <summary>Isolated Redis namespaces for test classes whose gateways must not meet another class's (instances in the
/// rendezvous hashing, webhook queues, watch leases).</summary>
public sealed partial class MailEnvFixture
{
    private const int RedisDatabases = 32; // MailEnvironment's redis.conf; database 0 belongs to the shared App
    private readonly ConcurrentDictionary<Type, RedisNamespace> _namespaces = new();
    private int _lastDatabase;
    private int _lastPrefix;

    /// <summary>The Redis namespace of <paramref name="testClass"/>, which no other class uses (the class's tests share
    /// it, one after the other): a database of its own on a plain Redis (a key prefix of its own in database 0 once the
    /// databases are used up), a key prefix of its own on a Redis Cluster (<c>MAILENV_REDIS=cluster</c>).</summary>
    public RedisNamespace RedisNamespaceFor(Type testClass) => _namespaces.GetOrAdd(testClass, _ => CreateNamespace());

    private RedisNamespace CreateNamespace()
    {
        var seeds = Env.RedisConfiguration ?? throw new InvalidOperationException("The fixture runs without Redis.");
        if (!Env.IsRedisCluster && Interlocked.Increment(ref _lastDatabase) is var database && database < RedisDatabases)
            return new RedisNamespace($"{seeds},defaultDatabase={database}", Api.Storage.RedisKeys.DefaultPrefix, database);
        return new RedisNamespace(seeds, $"t{Interlocked.Increment(ref _lastPrefix)}:mg:", 0);
    }
}
