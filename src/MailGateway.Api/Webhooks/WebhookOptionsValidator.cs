using Microsoft.Extensions.Options;

namespace MailGateway.Api.Webhooks;

/// <summary>Range checks, generated from the attributes of <see cref="WebhookOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;

/// <summary>The relations between settings, which attributes cannot express.</summary>
internal sealed class WebhookOptionsRelationsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
            failures.Add("Webhooks:Timeout must be positive.");
        if (options.Lease <= options.Timeout)
            failures.Add("Webhooks:Lease must be longer than Webhooks:Timeout, or a slow attempt would be handed to a second instance.");
        if (options.PollInterval <= TimeSpan.Zero)
            failures.Add("Webhooks:PollInterval must be positive.");
        if (options.DemandRefreshInterval <= TimeSpan.Zero)
            failures.Add("Webhooks:DemandRefreshInterval must be positive.");
        if (options.DisableAfter <= TimeSpan.Zero)
            failures.Add("Webhooks:DisableAfter must be positive.");
        if (options.SecretRotationGrace < TimeSpan.Zero)
            failures.Add("Webhooks:SecretRotationGrace must not be negative.");
        if (options.RetrySchedule.Any(d => d < TimeSpan.Zero))
            failures.Add("Webhooks:RetrySchedule entries must not be negative.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
