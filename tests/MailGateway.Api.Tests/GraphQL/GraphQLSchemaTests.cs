using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Api.Tests.GraphQL;

/// <summary>
/// The schema is a public contract: the checked-in SDL (src/MailGateway.Api/GraphQL/schema.graphql) must equal the
/// running schema, so every change to it is deliberate and visible in review.
/// </summary>
public sealed class GraphQLSchemaTests
{
    private const string UpdateVariable = "UPDATE_GRAPHQL_SCHEMA";

    [Fact]
    public void Checked_in_SDL_matches_the_running_schema()
    {
        using var app = new GraphQLTestApp();
        var schema = app.Services.GetRequiredService<ISchema>();
        var printed = Normalize(schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true }));
        var path = Path.Combine(RepositoryRoot(), "src", "MailGateway.Api", "GraphQL", "schema.graphql");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, printed);
            return;
        }
        var checkedIn = File.Exists(path) ? Normalize(File.ReadAllText(path)) : "";
        if (checkedIn == printed) return;

        var expected = checkedIn.Split('\n');
        var actual = printed.Split('\n');
        var line = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i],
            Math.Min(expected.Length, actual.Length));
        Assert.Fail(
            $"The running GraphQL schema differs from {path} (first difference at line {line + 1}):\n" +
            $"  checked in: {(line < expected.Length ? expected[line] : "<end of file>")}\n" +
            $"  running:    {(line < actual.Length ? actual[line] : "<end of file>")}\n" +
            $"If the change is deliberate, regenerate the file and commit it:\n" +
            $"  {UpdateVariable}=1 dotnet test --project tests/MailGateway.Api.Tests -- --filter-class \"*GraphQLSchemaTests\"");
    }

    [Fact]
    public void The_schema_has_the_names_the_README_documents()
    {
        using var app = new GraphQLTestApp();
        var schema = app.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        string[] queries = ["me", "accounts", "account", "message", "changes"];
        string[] mutations = ["updateMessage", "moveMessage", "copyMessage", "deleteMessage", "appendMessage", "createMailbox",
            "renameMailbox", "deleteMailbox", "batchMessages", "addAccount", "updateAccount", "removeAccount",
            "createWebhook", "updateWebhook", "deleteWebhook"];
        Assert.All(queries, name => Assert.NotNull(schema.Query.GetField(name)));
        Assert.All(mutations, name => Assert.NotNull(schema.Mutation!.GetField(name)));
        Assert.NotNull(schema.Subscription!.GetField("mailEvents"));
        var messages = ((IObjectGraphType)schema.AllTypes["Mailbox"]!).GetField("messages")!;
        Assert.Equal(["first", "after", "filter"], messages.Arguments!.Select(a => a.Name));
        Assert.Equal(["edges", "pageInfo", "state"], ((IObjectGraphType)schema.AllTypes["MessageConnection"]!).Fields.Select(f => f.Name));
        Assert.Equal(["cursor", "node"], ((IObjectGraphType)schema.AllTypes["MessageEdge"]!).Fields.Select(f => f.Name));
        Assert.Equal(["hasNextPage", "endCursor"], ((IObjectGraphType)schema.AllTypes["PageInfo"]!).Fields.Select(f => f.Name));
        Assert.Equal(["id", "type", "occurredAt", "accountId", "data"], ((IObjectGraphType)schema.AllTypes["MailEvent"]!).Fields.Select(f => f.Name));
    }

    private static string Normalize(string sdl) => sdl.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MailGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("MailGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
