using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>OpenAPI document at <c>/swagger/v1/swagger.json</c> and the UI at <c>/swagger</c>, with the bearer scheme
/// and each operation's required permissions (scopes) listed.</summary>
internal static class OpenApiExtensions
{
    public static IHostApplicationBuilder AddGatewayOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "MailGateway",
                Version = "v1",
                Description = "IMAP mailboxes over REST. Every operation needs 'Authorization: Bearer <JWT>'; the permissions each needs are listed in its description.",
            });
            c.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the configured provider (Entra ID, OIDC, or the Development key).",
            });
            c.AddSecurityRequirement(doc => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", doc)] = [] });
            c.OperationFilter<PermissionOperationFilter>();
        });
        return builder;
    }

    public static WebApplication UseGatewayOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => o.SwaggerEndpoint("/swagger/v1/swagger.json", "MailGateway v1"));
        return app;
    }

    /// <summary>Appends "Requires: Mail.Read" (the policy names, which are permission names) to each operation.</summary>
    private sealed class PermissionOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var policies = context.ApiDescription.ActionDescriptor.EndpointMetadata
                .OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            if (policies.Contains(Permissions.MailReadWrite))
                policies.Remove(Permissions.MailRead); // implied
            if (policies.Count == 0)
                return;
            var note = $"Requires: {string.Join(", ", policies)}.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? note : $"{operation.Description}\n\n{note}";
        }
    }
}
