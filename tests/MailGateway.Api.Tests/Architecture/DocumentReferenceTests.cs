namespace MailGateway.Api.Tests.Architecture;

/// <summary>Code comments point at documents in the repository (docs/architecture.md, docs/decisions/), never at the
/// design notes or the mail-environment folder that live outside it.</summary>
public class DocumentReferenceTests
{
    private static readonly string[] Outside = ["DESIGN §", "shared/mailenv"];

    [Fact]
    public void No_source_file_cites_a_document_outside_the_repository()
    {
        var src = RepoPaths.Src;
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found under {src}");
        var citing = (from file in files
                      from line in File.ReadLines(file).Select((text, index) => (text, index))
                      where Outside.Any(o => line.text.Contains(o, StringComparison.Ordinal))
                      select $"{Path.GetRelativePath(src, file)}:{line.index + 1}: {line.text.Trim()}").ToList();
        Assert.True(citing.Count == 0, "Comments citing documents outside the repository:\n" + string.Join("\n", citing));
    }
}
