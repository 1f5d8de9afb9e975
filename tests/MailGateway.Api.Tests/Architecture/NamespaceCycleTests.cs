using System.CodeDom.Compiler;
using System.Runtime.CompilerServices;

namespace MailGateway.Api.Tests.Architecture;

/// <summary>The Api project's feature folders form a layering (docs/architecture.md, "Feature layering"): no
/// feature may reach, through any chain of others, back to itself.</summary>
public class NamespaceCycleTests
{
    private static readonly NamespaceGraph Graph =
        NamespaceGraph.Of(typeof(Program).Assembly).WithUsings(RepoPaths.ApiProject);

    [Fact]
    public void The_scan_sees_the_features_and_their_uses()
    {
        Assert.True(Graph.Edges.Count >= 10, $"only {Graph.Edges.Count} features use another: the scan is broken");
        Assert.Contains("Shared", Graph.Edges["Messages"].Keys);
    }

    [Fact]
    public void The_scan_sees_the_using_directives_of_the_sources()
    {
        var graph = new NamespaceGraph().WithUsings(RepoPaths.ApiProject);
        Assert.Contains("Storage", graph.Edges["Shared"].Keys);
    }

    [Fact]
    public void The_scan_sees_uses_inside_method_bodies() =>
        Assert.Contains(typeof(Uri), TypeReferences.Of(typeof(UsesInBodyOnly)));

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var graph = new NamespaceGraph();
        foreach (var (from, to) in new[] { ("A", "B"), ("B", "C"), ("C", "A"), ("C", "D") })
            (graph.Edges.TryGetValue(from, out var t) ? t : graph.Edges[from] = [])[to] = new(StringComparer.Ordinal) { $"{from}.X uses {to}.Y" };
        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal(["A", "B", "C"], cycle);
        Assert.Equal(3, graph.Describe(cycle).Count());
    }

    [Fact]
    public void Every_type_of_the_project_is_in_a_feature_namespace()
    {
        var outside = typeof(Program).Assembly.GetTypes()
            .Where(t => !t.IsNested && t != typeof(Program) && !t.Name.StartsWith('<') && NamespaceGraph.Feature(t) is null
                && !t.IsDefined(typeof(CompilerGeneratedAttribute), false) && !t.IsDefined(typeof(GeneratedCodeAttribute), false))
            .Select(t => t.FullName).ToList();
        Assert.True(outside.Count == 0, "Types outside the feature namespaces, which the layering cannot see:\n" + string.Join("\n", outside));
    }

    [Fact]
    public void Feature_namespaces_form_no_cycle()
    {
        var cycles = Graph.Cycles();
        Assert.True(cycles.Count == 0, "Feature namespaces in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            $"[{string.Join(", ", c)}]\n{string.Join("\n", Graph.Describe(c))}")));
    }

    [Fact]
    public void Only_the_composition_root_uses_Hosting()
    {
        var users = Graph.Edges.Where(e => e.Key != "Hosting" && e.Value.ContainsKey("Hosting"))
            .Select(e => $"  {e.Key}: {NamespaceGraph.Examples(e.Value["Hosting"])}").ToList();
        Assert.True(users.Count == 0, "Features that use Hosting (use a Shared abstraction instead):\n" + string.Join("\n", users));
    }

    private static class UsesInBodyOnly
    {
        public static string Run() => Uri.EscapeDataString("a b");
    }
}
