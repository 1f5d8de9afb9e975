using MailGateway.Api.Cluster;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>Instance ids for tests that need a known owner under rendezvous hashing.</summary>
internal static class Ownership
{
    /// <summary>An instance id whose weight for <paramref name="accountId"/> is below <paramref name="winner"/>'s, so with
    /// just these two instances live the winner owns the account.</summary>
    public static string IdLosingTo(string winner, string accountId)
    {
        var target = WatchOwnership.Weight(winner, accountId);
        for (var i = 0; ; i++)
        {
            var candidate = $"loser-{i}";
            if (WatchOwnership.Weight(candidate, accountId) < target) return candidate;
        }
    }
}
