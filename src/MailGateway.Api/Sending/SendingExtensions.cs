using MailGateway.Api.Accounts;
using MailGateway.Api.Storage;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

internal static class SendingExtensions
{
    /// <summary>SMTP sending: the sender (MailKit, in the protocol project), the outbox (Redis or memory), its worker, limits.</summary>
    public static IHostApplicationBuilder AddSending(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SendingOptions>()
            .BindConfiguration(SendingOptions.Section)
            .Validate(o => o.MaxRecipients >= 1 && o.MaxMessageBytes >= 1024 && o.MessagesPerHour >= 0 && o.MessagesPerHourPerUser >= 0,
                "Sending limits must be positive (MessagesPerHour 0 = unlimited).")
            .Validate(o => o.Concurrency is >= 1 and <= 64 && o.MaxPendingPerUser is >= 0 and <= 10_000,
                "Sending:Concurrency must be 1-64 and Sending:MaxPendingPerUser 0-10000 (0 = unlimited).")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(10) && o.PollInterval > TimeSpan.Zero && o.GiveUpAfter > TimeSpan.Zero
                && o.RetrySchedule.All(t => t > TimeSpan.Zero), "Sending timings must be positive (Lease at least 10 s).")
            .ValidateOnStart();
        builder.Services.AddSmtpSender(builder.Configuration.GetSection("Smtp"));
        builder.Services.AddSingleton<ISmtpCredentialProvider, SmtpCredentialProvider>();
        if (builder.Configuration.IsRedisConfigured())
            builder.Services.AddSingleton<IOutboxStore, RedisOutboxStore>();
        else
            builder.Services.AddSingleton<IOutboxStore, InMemoryOutboxStore>();
        builder.Services.AddSingleton<SendingMetrics>();
        builder.Services.AddSingleton<SendBudget>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxFollowUp>();
        builder.Services.AddScoped<SendService>();
        builder.Services.AddHostedService<OutboxWorker>();
        return builder;
    }
}
