using GraphQL;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Turns the typed results of a REST handler into a value or a GraphQL error with the same problem code.</summary>
internal static class RestResults
{
    public static T Value<T>(IResult result, HttpResponse? response = null) => result switch
    {
        ProblemHttpResult problem => throw ToError(problem, response),
        IValueHttpResult<T> { Value: { } value } => value,
        _ => throw new InvalidOperationException($"Unexpected result {result.GetType().Name}."),
    };

    public static void Success(IResult result)
    {
        if (result is ProblemHttpResult problem) throw ToError(problem, null);
    }

    /// <summary>A REST problem as a GraphQL error: same code, its detail as the message, field errors and Retry-After as extensions.</summary>
    public static ExecutionError ToError(ProblemHttpResult problem, HttpResponse? response)
    {
        var details = problem.ProblemDetails;
        var code = details.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var error = GraphQLErrors.Create(code ?? GraphQLErrors.ValidationFailed, details.Detail ?? details.Title ?? "The request failed.");
        if (details.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields)
            error.AddExtension("errors", fields.ToDictionary(e => e.Key, e => (object?)e.Value));
        if (response?.Headers.RetryAfter is { Count: > 0 } retryAfter && int.TryParse(retryAfter.ToString(), out var seconds))
            error.AddExtension("retryAfter", seconds);
        return error;
    }
}
