using MailGateway.Api.Hosting;
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
            .WithMetadata(new RequestSizeLimitAttribute(Math.Min(MaxBodyBytes, HostingExtensions.MaxRequestBodyBytes(app.ServiceProvider.GetRequiredService<IConfiguration>()))))
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

    /// <summary>What the handlers use, injected once.</summary>
    internal sealed class AccountServices
    {
        [FromServices] public required IAccountStore Store { get; init; }
        [FromServices] public required IAccountAccess Access { get; init; }
        [FromServices] public required IImapSessionPool Pool { get; init; }
        [FromServices] public required CredentialProtector Protector { get; init; }
        [FromServices] public required IImapOAuthGrants OAuthGrants { get; init; }
        [FromServices] public required PendingCredentials Pending { get; init; }
        [FromServices] public required ISecurityLogStore SecurityLog { get; init; }
        [FromServices] public required TimeProvider Time { get; init; }
        [FromServices] public required ILogger<Account> Logger { get; init; }

        /// <summary>The same services for callers outside minimal-API binding (GraphQL resolvers).</summary>
        public static AccountServices From(IServiceProvider services) => new()
        {
            Store = services.GetRequiredService<IAccountStore>(),
            Access = services.GetRequiredService<IAccountAccess>(),
            Pool = services.GetRequiredService<IImapSessionPool>(),
            Protector = services.GetRequiredService<CredentialProtector>(),
            OAuthGrants = services.GetRequiredService<IImapOAuthGrants>(),
            Pending = services.GetRequiredService<PendingCredentials>(),
            SecurityLog = services.GetRequiredService<ISecurityLogStore>(),
            Time = services.GetRequiredService<TimeProvider>(),
            Logger = services.GetRequiredService<ILogger<Account>>(),
        };
    }
}
