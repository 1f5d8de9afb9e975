using GraphQL;
using MailGateway.Api.Shared;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.GraphQL;

/// <summary>
/// What whole messages may cost one GraphQL operation. Statically, each <c>message</c> field counts
/// <see cref="MessageFieldCost"/> toward <see cref="GraphQLApiOptions.MaxComplexity"/>, so aliases multiply it and a
/// document asking for many bodies is refused before any IMAP work. At run time the operation may fetch at most
/// <see cref="GraphQLApiOptions.MaxMessageBytesPerRequest"/> bytes of messages (their RFC 5322 size); a message beyond that
/// is not fetched (or not returned) and its field answers <c>message_bytes_exceeded</c>.
/// </summary>
internal static class GraphQLBodyBudget
{
    /// <summary>A whole message (headers, text, html, attachment list) costs as much as 10,000 scalar fields: with the
    /// default <see cref="GraphQLApiOptions.MaxComplexity"/> of 250,000 a document may name at most 24 messages.</summary>
    public const double MessageFieldCost = 10_000;

    public const string Code = "message_bytes_exceeded";

    /// <summary>Throws before a fetch when the operation has already spent its budget.</summary>
    public static void EnsureRoom(IResolveFieldContext context)
    {
        var (user, limit) = Budget(context);
        if (user is not null && user.MessageBytes >= limit)
            throw Exceeded(limit);
    }

    /// <summary>Charges a fetched message of <paramref name="bytes"/>; throws when it goes over the budget.</summary>
    public static void Charge(IResolveFieldContext context, long bytes)
    {
        var (user, limit) = Budget(context);
        if (user is not null && user.AddMessageBytes(bytes) > limit)
            throw Exceeded(limit);
    }

    private static (GraphQLUserContext? User, long Limit) Budget(IResolveFieldContext context) =>
        (context.UserContext as GraphQLUserContext,
         context.RequestServices!.GetRequiredService<IOptions<GraphQLApiOptions>>().Value.MaxMessageBytesPerRequest);

    private static MailApiException Exceeded(long limit) => new(StatusCodes.Status413PayloadTooLarge, Code,
        "The operation asks for more message bytes than one request may fetch.",
        $"One GraphQL operation may fetch at most {limit} bytes of whole messages; ask for fewer messages per operation.");
}
