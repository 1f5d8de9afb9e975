using System.Diagnostics.Metrics;

namespace MailGateway.Api.Shared;

/// <summary>Host-level counters on the <c>MailGateway.Api</c> meter (exported on /metrics).</summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "MailGateway.Api";

    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _rateLimited;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _authFailures = meter.CreateCounter<long>("mailgateway.api.auth.failures", unit: "{request}",
            description: "API requests rejected by authentication or authorization, by reason.");
        _rateLimited = meter.CreateCounter<long>("mailgateway.api.rate_limited", unit: "{request}",
            description: "API requests rejected by the rate limiter.");
    }

    public void AuthFailure(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RateLimited() => _rateLimited.Add(1);
}
