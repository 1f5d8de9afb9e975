namespace MailGateway.Api.Mailboxes;

internal static class MailboxesApi
{

    public static IEndpointRouteBuilder MapMailboxesApi(this IEndpointRouteBuilder app) => app;
}
