using GraphQL;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>GraphQL over HTTP (POST and GET) following the GraphQL-over-HTTP specification.</summary>
internal static class GraphQLHttpEndpoint
{
    /// <summary>POST /graphql with a JSON body <c>{query, operationName, variables, extensions}</c>.</summary>
    public static async Task<Results<GraphQLHttpResult, ProblemHttpResult>> PostAsync(
        HttpContext http, GraphQLRunner runner, IGraphQLTextSerializer serializer, GraphQLRateLimiter limiter,
        IOptions<GraphQLApiOptions> options, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxRequestBytes;
        if (http.Request.ContentLength > max) return TooLarge(max);
        if (!GraphQLMediaTypes.IsAcceptableRequest(http.Request))
            return ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "GraphQL requests must be sent as application/json.");
        if (GraphQLMediaTypes.NegotiateResponse(http.Request) is not { } mediaType) return NotAcceptable();

        var body = await ReadBoundedAsync(http.Request.Body, max, cancellationToken);
        if (body is null) return TooLarge(max);

        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(body, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return GraphQLHttpResult.BadRequest(mediaType, "invalid_json", "The request body is not a valid GraphQL JSON request.");
        }
        return await ExecuteAsync(http, request, GraphQLTransport.HttpPost, mediaType, runner, limiter, cancellationToken);
    }

    /// <summary>GET /graphql?query=…&amp;operationName=…&amp;variables=… (queries only).</summary>
    public static async Task<Results<GraphQLHttpResult, ProblemHttpResult>> GetAsync(
        HttpContext http, GraphQLRunner runner, IGraphQLTextSerializer serializer, GraphQLRateLimiter limiter,
        IOptions<GraphQLApiOptions> options, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxRequestBytes;
        if (http.Request.QueryString.Value?.Length > max)
            return ApiProblems.Create(StatusCodes.Status414UriTooLong, "request_too_large",
                $"The query string is larger than {max} bytes; send the request with POST.");
        if (GraphQLMediaTypes.NegotiateResponse(http.Request) is not { } mediaType) return NotAcceptable();

        var query = http.Request.Query;
        GraphQLRequest request;
        try
        {
            request = new GraphQLRequest
            {
                Query = query["query"].ToString(),
                OperationName = NullIfEmpty(query["operationName"].ToString()),
                Variables = NullIfEmpty(query["variables"].ToString()) is { } v ? serializer.Deserialize<Inputs>(v) : null,
                Extensions = NullIfEmpty(query["extensions"].ToString()) is { } x ? serializer.Deserialize<Inputs>(x) : null,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return GraphQLHttpResult.BadRequest(mediaType, "invalid_json", "The variables or extensions parameter is not valid JSON.");
        }
        return await ExecuteAsync(http, request, GraphQLTransport.HttpGet, mediaType, runner, limiter, cancellationToken);
    }

    private static async Task<Results<GraphQLHttpResult, ProblemHttpResult>> ExecuteAsync(
        HttpContext http, GraphQLRequest? request, GraphQLTransport transport, string mediaType,
        GraphQLRunner runner, GraphQLRateLimiter limiter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Query))
            return GraphQLHttpResult.BadRequest(mediaType, GraphQLErrors.ValidationFailed, "The request has no GraphQL document in 'query'.");

        if (await limiter.TryAcquireAsync(Caller.From(http.User), cancellationToken) is { } retryAfter)
        {
            GraphQLLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GraphQLHttpEndpoint)));
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many GraphQL requests; try again later.");
        }

        var result = await runner.RunAsync(request, transport, http.User, http.RequestServices, cancellationToken);
        if (result.Errors?.OfType<OperationNotAllowedError>().FirstOrDefault() is { } notAllowed)
        {
            http.Response.Headers.Allow = notAllowed.Allow;
            return new GraphQLHttpResult(result, mediaType, StatusCodes.Status405MethodNotAllowed);
        }
        var status = mediaType == GraphQLMediaTypes.GraphQLResponse && !result.Executed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        return new GraphQLHttpResult(result, mediaType, status);
    }

    private static ProblemHttpResult TooLarge(int max) =>
        ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"GraphQL requests are limited to {max} bytes.");

    private static ProblemHttpResult NotAcceptable() =>
        ApiProblems.Create(StatusCodes.Status406NotAcceptable, "not_acceptable",
            $"Accept {GraphQLMediaTypes.GraphQLResponse} or {GraphQLMediaTypes.Json}.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is larger (chunked bodies have no Content-Length).</summary>
    private static async Task<MemoryStream?> ReadBoundedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }
}
