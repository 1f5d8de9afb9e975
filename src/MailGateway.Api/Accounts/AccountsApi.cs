using MailGateway.Api.Storage;
using MailGateway.Imap;
using Microsoft.AspNetCore.Mvc;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary>Registered IMAP accounts: <c>/api/v1/accounts</c>. Reads need Mail.Read, changes Mail.ReadWrite.</summary>
internal static partial class AccountsApi
{
    /// <summary>Account bodies are small; anything bigger is refused with 413 before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (builder.Configuration.IsRedisConfigured())
        {
            services.AddSingleton<IAccountStore, RedisAccountStore>();
            services.AddSingleton<ISecurityLogStore, RedisSecurityLogStore>();
        }
        else
        {
            services.AddSingleton<IAccountStore, InMemoryAccountStore>();
            services.AddSingleton<ISecurityLogStore, InMemorySecurityLogStore>();
        }
        services.AddSingleton<IAccountAccess, AccountAccess>();
        services.AddOptions<AccountLimitsOptions>().BindConfiguration(AccountLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AccountService>();
        services.AddSingleton<AccountConnections>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountConnections>()); // subscribes to the other instances' closes
        services.AddSingleton<CredentialProtector>();
        services.AddSingleton<PendingCredentials>();
        services.AddSingleton<IImapCredentialProvider, StoredCredentialProvider>();
        services.AddSingleton<IImapLoginObserver, ImapLoginObserver>(); // replaces the pool's default (no-op) observer
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/accounts")
            .WithTags("Accounts")
            .RequireAuthorization(Permissions.MailRead)
            .RequirePerUserRateLimit()
            .AddEndpointFilter<MailProblemFilter>()
            .WithMetadata(new RequestSizeLimitAttribute(Math.Min(MaxBodyBytes, RequestLimits.MaxRequestBodyBytes(app.ServiceProvider.GetRequiredService<IConfiguration>()))))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/", ListAccounts).WithName("ListAccounts").WithSummary("The caller's accounts (all accounts for an admin).");
        group.MapPost("/", CreateAccount).WithName("CreateAccount").RequireAuthorization(Permissions.MailReadWrite)
            .WithSummary("Registers an IMAP account after logging in with its credentials.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapGet("/{accountId}", GetAccount).WithName("GetAccount").WithSummary("One account with its connection state.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{accountId}", UpdateAccount).WithName("UpdateAccount").RequireAuthorization(Permissions.MailReadWrite)
            .WithSummary("Changes the display name, credentials (verified first) or disabled flag.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapDelete("/{accountId}", DeleteAccount).WithName("DeleteAccount").RequireAuthorization(Permissions.MailReadWrite)
            .WithSummary("Removes the account and closes its IMAP connections.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{accountId}/reset", ResetAccount).WithName("ResetAccount").RequireAuthorization(Permissions.MailReadWrite)
            .WithSummary("Closes the account's connections and clears authFailed so the next request logs in again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{accountId}/security-log", GetSecurityLog).WithName("GetAccountSecurityLog")
            .WithSummary("Recent IMAP authentication successes and failures of the account, newest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
