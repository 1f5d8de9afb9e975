namespace MailGateway.Api.Changes;

internal static class ChangesApi
{

    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app) => app;
}
