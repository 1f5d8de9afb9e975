using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.GraphQL;

/// <summary>Depth and cost limits, checked while validating, before any resolver runs.</summary>
internal static class GraphQLLimits
{
    public static void Configure(ComplexityOptions complexity, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GraphQLApiOptions>>();
        // Checked in the delegate (not MaxDepth/MaxComplexity) so each limit answers its own clear code.
        complexity.MaxDepth = null;
        complexity.MaxComplexity = null;
        complexity.ValidateComplexityDelegate = context =>
        {
            var limits = options.Value;
            if (context.MaxDepth > limits.MaxDepth)
                context.Error = new ValidationError(
                    $"The query is nested {context.MaxDepth} levels deep; at most {limits.MaxDepth} are allowed.")
                { Code = GraphQLErrors.MaxDepthExceeded };
            else if (context.TotalImpact > limits.MaxComplexity)
                context.Error = new ValidationError(
                    $"The query's estimated cost is {context.TotalImpact:0}; at most {limits.MaxComplexity} is allowed. Ask for fewer fields or smaller pages.")
                { Code = GraphQLErrors.MaxComplexityExceeded };
            return Task.CompletedTask;
        };
    }
}
