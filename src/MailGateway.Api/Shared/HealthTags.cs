namespace MailGateway.Api.Shared;

/// <summary>Tags of health checks: <c>/health/ready</c> runs every check tagged <see cref="Ready"/>, <c>/health/live</c>
/// those tagged <see cref="Live"/>. Features add readiness checks with
/// <c>services.AddHealthChecks().AddCheck&lt;T&gt;(name, tags: [HealthTags.Ready])</c>.</summary>
internal static class HealthTags
{
    public const string Ready = "ready";
    public const string Live = "live";
}
