using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;

namespace MailGateway.Api.Events;

/// <summary>
/// Serves the <c>/demo</c> live inbox page (wwwroot/demo) as anonymous endpoints: the page holds no data of its
/// own (it calls the API with the token the user pastes), and static-file middleware would sit behind the
/// gateway's fallback authorization policy.
/// </summary>
internal static class DemoPage
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapDemoPage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/demo").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("", GetIndex).WithName("DemoIndex");
        group.MapGet("/{**path}", GetFile).WithName("DemoFile");
        return app;
    }

    /// <summary>Routing treats "/demo" and "/demo/" alike: redirect the first so relative URLs in the page resolve.</summary>
    private static Results<RedirectHttpResult, PhysicalFileHttpResult, NotFound> GetIndex(IWebHostEnvironment environment, HttpContext context) =>
        context.Request.Path.Value?.EndsWith('/') == true
            ? GetFile(null, environment, context).Result switch
            {
                PhysicalFileHttpResult file => file,
                _ => TypedResults.NotFound(),
            }
            : TypedResults.Redirect(context.Request.PathBase + "/demo/");

    private static Results<PhysicalFileHttpResult, NotFound> GetFile(string? path, IWebHostEnvironment environment, HttpContext context)
    {
        var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
        // The file provider refuses ".." and absolute paths; only files under wwwroot/demo are served.
        var file = environment.WebRootFileProvider.GetFileInfo("demo/" + relative);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null) return TypedResults.NotFound();
        if (!ContentTypes.TryGetContentType(file.Name, out var contentType)) contentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.PhysicalFile(file.PhysicalPath, contentType, enableRangeProcessing: false);
    }
}
