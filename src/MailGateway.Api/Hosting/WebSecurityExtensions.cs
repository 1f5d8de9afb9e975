namespace MailGateway.Api.Hosting;

/// <summary>Security headers, HTTPS redirection + HSTS outside Development, and the CORS allow-list <c>Cors:AllowedOrigins</c>.</summary>
internal static class WebSecurityExtensions
{
    public static IHostApplicationBuilder AddGatewayWebSecurity(this IHostApplicationBuilder builder)
    {
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (origins.Length == 0)
                return; // no origin allowed
            p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                .WithExposedHeaders("ETag", "Location", "Retry-After");
        }));
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        return builder;
    }

    public static WebApplication UseGatewayWebSecurity(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            if (app.Configuration.GetValue("Http:HttpsRedirection", true))
                app.UseHttpsRedirection();
        }
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            return next(context);
        });
        return app;
    }
}
