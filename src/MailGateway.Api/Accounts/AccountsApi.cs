namespace MailGateway.Api.Accounts;

internal static class AccountsApi
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder) => builder;
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app) => app;
}
