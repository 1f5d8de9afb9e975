using GraphQL;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL;

/// <summary>What every resolver needs: the caller, a permission check, and services of the operation's scope.</summary>
internal static class ResolveContextExtensions
{
    public static Caller Caller(this IResolveFieldContext context) =>
        (context.UserContext as GraphQLUserContext)?.Caller
        ?? Shared.Caller.From(context.User ?? throw GraphQLErrors.Create(GraphQLErrors.Unauthorized, "Authentication is required."));

    /// <summary>The caller, when the policy <paramref name="permission"/> (permission + MFA rules, decided by
    /// <see cref="GatewayAuthorization"/> like REST) allows it; else a <c>forbidden</c> error (REST answers 403).</summary>
    public static Caller Require(this IResolveFieldContext context, string permission)
    {
        var caller = context.Caller();
        var granted = (context.UserContext as GraphQLUserContext)?.Granted;
        return granted is not null && granted.Contains(permission) ? caller
            : throw GraphQLErrors.ForbiddenError(permission, mfaOnly: caller.Has(permission));
    }

    /// <summary>Reads need Mail.Read, like the REST route groups.</summary>
    public static Caller RequireMailRead(this IResolveFieldContext context) => context.Require(Permissions.MailRead);

    /// <summary>Mail changes need Mail.ReadWrite, like the REST write groups of mailboxes and messages.</summary>
    public static Caller RequireMailWrite(this IResolveFieldContext context) => context.Require(Permissions.MailReadWrite);

    /// <summary>Account changes need Mail.ReadWrite on top of Mail.Read, like the REST accounts API.</summary>
    public static Caller RequireAccountWrite(this IResolveFieldContext context)
    {
        context.Require(Permissions.MailRead);
        return context.Require(Permissions.MailReadWrite);
    }

    public static T Service<T>(this IResolveFieldContext context) where T : notnull =>
        (context.RequestServices ?? throw new InvalidOperationException("GraphQL ran without request services.")).GetRequiredService<T>();
}
