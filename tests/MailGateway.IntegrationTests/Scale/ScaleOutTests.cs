using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Webhooks;

namespace MailGateway.IntegrationTests.Scale;

/// <summary>
/// Three gateway processes on a private Redis Cluster (issue 15, item 6): watched accounts spread evenly by
/// rendezvous hashing, a killed instance's accounts are watched again within the lease TTL, and neither a crash nor a
/// rolling restart loses or repeats an event (each message arrives once per webhook).
/// </summary>
public sealed class ScaleOutTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    /// <summary>The failover tests: a lease long enough that waiting for a dead holder's leases to expire (at least two
    /// thirds of it, since they are renewed every third) fails the bound of half of it, with a registration that lives
    /// four heartbeats of a second. The new owners take the leases over once the registration expired, so the accounts
    /// are watched again after about 4 s plus the reconnects. (With the defaults, a heartbeat of an eighth of the lease
    /// TTL, the scale run measures 11–12 s for a 15 s lease.)</summary>
    private static readonly TimeSpan LongLease = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string> LongLeaseSettings = new()
    {
        ["Events:LeaseTtl"] = "00:00:30",
        ["Cluster:HeartbeatInterval"] = "00:00:01",
    };

    [Fact]
    public async Task Sixty_accounts_spread_over_three_instances_and_a_killed_instances_accounts_move_without_loss()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.FlushAsync(ct);
        await using var gateways = await ScaleCluster.StartAsync(cluster, 3, ct, LongLeaseSettings);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var users = Enumerable.Range(1, 60).Select(i => $"user{i}").ToList();
        var accounts = await gateways.RegisterAsync("scale-owner", users, ct);
        await CreateWebhookAsync(gateways, 0, "scale-owner", receiver, ct);

        // Balanced as the bounded load promises (Cluster:OwnershipSlack 0.25): none owns more than ⌈20 × 1.25⌉ = 25, so
        // none fewer than 60 − 2 × 25 = 10 (25/11/24 was seen; an 11 is the hashing's luck, not a defect). The operator
        // view reports heartbeat figures, so wait for a settled one.
        var spread = await gateways.WaitForWatchedAsync(w => w.Count == 3 && w.Values.Sum() == 60 && w.Values.All(n => n is >= 10 and <= 25), Settle, ct);

        // Crash (SIGKILL: no handover; the others take the dead holder's leases over) and mail arriving meanwhile.
        var killed = Stopwatch.StartNew();
        await gateways.Instances[1]!.KillAsync();
        gateways.Instances[1] = null;
        var watchedAgain = gateways.WaitForWatchedAsync(w => w.Count == 2 && w.Values.Sum() == 60, Settle, ct);
        var subjects = users.Select(u => $"failover {u}").ToList();
        await Task.WhenAll(users.Select((u, i) => cluster.Env.AppendAsync(u, "INBOX", TestMail.Create(subjects[i]), ct)));
        await watchedAgain;
        var moved = killed.Elapsed;
        await AssertEachOnceAsync(receiver, subjects);
        // Issue 15: a dead instance is replaced within the lease TTL, here even within half of it: the registration's
        // lifetime (4 s) plus a supervisor pass, the reconnects and the heartbeat that reports them.
        Assert.True(moved < LongLease / 2, $"accounts watched again after {moved}");
        TestContext.Current.SendDiagnosticMessage($"spread {string.Join('/', spread.Values)}; watched again after {moved.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_frozen_instances_accounts_move_within_the_lease_ttl_and_it_rejoins_without_loss_when_it_wakes()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.FlushAsync(ct);
        await using var gateways = await ScaleCluster.StartAsync(cluster, 2, ct, LongLeaseSettings);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var users = Enumerable.Range(73, 16).Select(i => $"user{i}").ToList();
        await gateways.RegisterAsync("freeze-owner", users, ct);
        await CreateWebhookAsync(gateways, 0, "freeze-owner", receiver, ct);
        await gateways.WaitForWatchedAsync(w => w.Count == 2 && w.Values.Sum() == users.Count && w.Values.All(n => n > 0), Settle, ct);

        // SIGSTOP: the instance holds its leases and connections but renews nothing. Its registration expires and the
        // other takes its leases over, without waiting for them to expire.
        var frozen = gateways.Instances[1]!;
        var clock = Stopwatch.StartNew();
        await frozen.SignalFreezeAsync(freeze: true);
        var subjects = new List<string>();
        try
        {
            var watchedAgain = gateways.WaitForWatchedAsync(w => w.Count == 1 && w.Values.Sum() == users.Count, Settle, ct);
            subjects.AddRange(users.Select(u => $"while frozen {u}"));
            await Task.WhenAll(users.Select(u => cluster.Env.AppendAsync(u, "INBOX", TestMail.Create($"while frozen {u}"), ct)));
            await watchedAgain;
            Assert.True(clock.Elapsed < LongLease / 2, $"a frozen instance's accounts watched again after {clock.Elapsed}");
        }
        finally
        {
            // Wakes up: its renewals fail, so it stops those watches; it beats again and takes its share back.
            await frozen.SignalFreezeAsync(freeze: false);
        }
        await gateways.WaitForWatchedAsync(w => w.Count == 2 && w.Values.Sum() == users.Count && w.Values.All(n => n > 0), Settle, ct);
        subjects.AddRange(users.Select(u => $"after waking {u}"));
        await Task.WhenAll(users.Select(u => cluster.Env.AppendAsync(u, "INBOX", TestMail.Create($"after waking {u}"), ct)));
        await AssertEachOnceAsync(receiver, subjects);
    }

    [Fact]
    public async Task A_rolling_restart_of_all_three_instances_loses_and_repeats_no_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.FlushAsync(ct);
        await using var gateways = await ScaleCluster.StartAsync(cluster, 3, ct);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var users = Enumerable.Range(61, 12).Select(i => $"user{i}").ToList();
        await gateways.RegisterAsync("rolling-owner", users, ct);
        await CreateWebhookAsync(gateways, 0, "rolling-owner", receiver, ct);
        await gateways.WaitForWatchedAsync(w => w.Count == 3 && w.Values.Sum() == users.Count, Settle, ct);

        var subjects = new List<string>();
        async Task AppendAllAsync(string phase)
        {
            var batch = users.Select(u => $"{phase} {u}").ToList();
            subjects.AddRange(batch);
            await Task.WhenAll(users.Select((u, i) => cluster.Env.AppendAsync(u, "INBOX", TestMail.Create(batch[i]), ct)));
        }

        for (var i = 0; i < 3; i++)
        {
            await AppendAllAsync($"before stop {i}");
            var stopping = gateways.Instances[i]!.StopAsync(TimeSpan.FromSeconds(30));
            await AppendAllAsync($"during stop {i}");
            await stopping;
            await gateways.RestartAsync(i, ct);
            await AppendAllAsync($"after restart {i}");
            await gateways.WaitForWatchedAsync(w => w.Count == 3 && w.Values.Sum() == users.Count, Settle, ct);
        }
        await AssertEachOnceAsync(receiver, subjects);
    }

    internal static async Task CreateWebhookAsync(ScaleCluster gateways, int index, string owner, WebhookReceiver receiver, CancellationToken ct)
    {
        using var http = gateways.Client(index, owner);
        using var created = await http.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "message.created" } }, ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        Assert.True(created.IsSuccessStatusCode, body);
        receiver.Trust(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Every subject arrives, verified, exactly once (a quiet period after the last one catches repeats).</summary>
    private static async Task AssertEachOnceAsync(WebhookReceiver receiver, IReadOnlyCollection<string> subjects)
    {
        static string? Subject(ReceivedWebhook r) =>
            r.Event.GetProperty("data").TryGetProperty("summary", out var s) && s.TryGetProperty("subject", out var subject) ? subject.GetString() : null;
        var wanted = subjects.ToHashSet();
        try
        {
            await receiver.WaitForAsync(subjects.Count, Settle, r => r.Type == "message.created" && wanted.Contains(Subject(r) ?? ""));
        }
        catch (TimeoutException e)
        {
            var seen = receiver.Received.Select(Subject).ToHashSet();
            var other = receiver.Received.Where(r => !wanted.Contains(Subject(r) ?? "")).Select(r => r.Body);
            throw new TimeoutException($"{e.Message} Missing: {string.Join(", ", subjects.Where(s => !seen.Contains(s)))}. Other: {string.Join("\n", other)}", e);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        var got = receiver.Received.Where(r => r.Type == "message.created" && r.AnsweredStatus is >= 200 and < 300)
            .Select(Subject).Where(s => s is not null && wanted.Contains(s)).ToList();
        Assert.Equal(subjects.Order(), got.Order()!);
        Assert.All(receiver.Received, r => Assert.True(r.Verified));
    }
}
