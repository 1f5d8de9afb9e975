using Microsoft.Net.Http.Headers;

namespace MailGateway.Api.GraphQL.Http;

/// <summary>Content negotiation of GraphQL over HTTP.</summary>
internal static class GraphQLMediaTypes
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";

    /// <summary>The response media type the client accepts, or null (406). No Accept header or a wildcard means
    /// <c>application/json</c>, the legacy-compatible answer that is always 200 for executed documents.</summary>
    public static string? NegotiateResponse(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return Json;
        foreach (var type in accept.OrderByDescending(a => a.Quality ?? 1.0))
        {
            if (type.Quality is 0) continue;
            var name = type.MediaType.Value;
            if (string.Equals(name, GraphQLResponse, StringComparison.OrdinalIgnoreCase)) return GraphQLResponse;
            if (string.Equals(name, Json, StringComparison.OrdinalIgnoreCase)) return Json;
            if (name is "*/*" or "application/*") return Json;
        }
        return null;
    }

    /// <summary>POST bodies must be JSON (UTF-8).</summary>
    public static bool IsAcceptableRequest(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)) return false;
        if (!string.Equals(type.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase)) return false;
        var charset = type.Charset.Value;
        return charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase);
    }
}
