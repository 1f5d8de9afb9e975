namespace MailGateway.Api.Tests.Architecture;

/// <summary>Where the sources are, found from the test binaries (artifacts/ sits beside MailGateway.sln).</summary>
internal static class RepoPaths
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("MailGateway.sln not found above the test binaries.");
    }

    public static string Src => Path.Combine(Root(), "src");

    public static string ApiProject => Path.Combine(Src, "MailGateway.Api");
}
