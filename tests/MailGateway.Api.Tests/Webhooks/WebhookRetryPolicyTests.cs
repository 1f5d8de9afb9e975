using MailGateway.Api.Webhooks;
using Microsoft.Extensions.Configuration;

namespace MailGateway.Api.Tests.Webhooks;

public class WebhookRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Default_schedule_is_0_5s_5m_30m_2h_5h_10h_10h_then_dead_letter()
    {
        var schedule = new WebhookOptions().EffectiveSchedule;
        TimeSpan[] expected =
        [
            TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
            TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
        ];
        for (var made = 0; made < expected.Length; made++)
            Assert.Equal(Now + expected[made], WebhookRetryPolicy.NextAttemptAt(schedule, made, Now, jitter: 0.1, random01: 0));
        Assert.Null(WebhookRetryPolicy.NextAttemptAt(schedule, expected.Length, Now, 0.1, 0));
    }

    [Fact]
    public void Jitter_adds_at_most_the_configured_fraction()
    {
        var schedule = new WebhookOptions().EffectiveSchedule;
        var max = WebhookRetryPolicy.NextAttemptAt(schedule, 2, Now, jitter: 0.1, random01: 0.999999);
        Assert.InRange(max!.Value, Now + TimeSpan.FromMinutes(5), Now + TimeSpan.FromMinutes(5.5));
        Assert.Equal(Now, WebhookRetryPolicy.NextAttemptAt(schedule, 0, Now, 0.1, 0.999));   // 0 stays immediate
    }

    [Fact]
    public void Schedule_binds_from_configuration_as_a_list_of_timespans()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Webhooks:RetrySchedule:1"] = "00:00:00.200",
            ["Webhooks:RetrySchedule:2"] = "00:00:00.200",
        }).Build();
        var options = config.GetSection("Webhooks").Get<WebhookOptions>()!;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)], options.EffectiveSchedule);
        Assert.Null(WebhookRetryPolicy.NextAttemptAt(options.EffectiveSchedule, 3, Now, 0, 0));
    }

    [Fact]
    public void Endpoint_is_disabled_only_after_failing_for_the_whole_period()
    {
        var disableAfter = TimeSpan.FromDays(5);
        Assert.False(WebhookRetryPolicy.ShouldDisable(null, Now, disableAfter));
        Assert.False(WebhookRetryPolicy.ShouldDisable(Now - TimeSpan.FromDays(4.9), Now, disableAfter));
        Assert.True(WebhookRetryPolicy.ShouldDisable(Now - TimeSpan.FromDays(5), Now, disableAfter));
    }

    [Theory]
    [InlineData("message.created", "message.created", true)]
    [InlineData("message.*", "message.deleted", true)]
    [InlineData("message.*", "mailbox.created", false)]
    [InlineData("*", "account.connected", true)]
    [InlineData("message.created", "message.updated", false)]
    public void Event_filters_match_names_and_wildcards(string filter, string type, bool matches) =>
        Assert.Equal(matches, WebhookEventFilter.Matches([filter], type));

    [Fact]
    public void Empty_filter_matches_everything_and_invalid_filters_are_rejected()
    {
        Assert.True(WebhookEventFilter.Matches([], "message.created"));
        Assert.False(WebhookEventFilter.IsValid("message"));
        Assert.False(WebhookEventFilter.IsValid("message.*.x"));
        Assert.False(WebhookEventFilter.IsValid("*.created"));
        Assert.True(WebhookEventFilter.IsValid("account.authFailed"));
    }
}
