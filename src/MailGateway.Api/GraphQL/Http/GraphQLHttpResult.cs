using GraphQL;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>An <see cref="ExecutionResult"/> written with the GraphQL serializer in the negotiated media type.</summary>
internal sealed class GraphQLHttpResult(ExecutionResult result, string mediaType, int statusCode) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public ExecutionResult Result => result;
    public int? StatusCode => statusCode;
    public string ContentType => mediaType + "; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var serializer = httpContext.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = ContentType;
        await serializer.WriteAsync(httpContext.Response.Body, result, httpContext.RequestAborted);
    }

    /// <summary>A request that never reached execution (bad JSON, no query): always 400 with a GraphQL error body.</summary>
    public static GraphQLHttpResult BadRequest(string mediaType, string code, string message) =>
        new(new ExecutionResult(GraphQLErrors.Create(code, message)), mediaType, StatusCodes.Status400BadRequest);
}
