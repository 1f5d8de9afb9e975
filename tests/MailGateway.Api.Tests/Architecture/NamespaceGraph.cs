using System.Reflection;
using System.Text.RegularExpressions;

namespace MailGateway.Api.Tests.Architecture;

/// <summary>The Api project's feature graph: one node per first namespace segment after <c>MailGateway.Api</c>
/// (Accounts, Events, Shared, ...), an edge where a type of one feature uses a type of another, with one example
/// pair of types per edge so a failure names the code to change.</summary>
internal sealed partial class NamespaceGraph
{
    private const string Root = "MailGateway.Api";

    public Dictionary<string, Dictionary<string, SortedSet<string>>> Edges { get; } = [];

    public static NamespaceGraph Of(Assembly assembly)
    {
        var graph = new NamespaceGraph();
        foreach (var type in assembly.GetTypes())
        {
            if (Feature(type) is not { } from) continue;
            foreach (var used in TypeReferences.Of(type))
            {
                if (Feature(used) is { } to && to != from) graph.Add(from, to, $"{Name(type)} uses {Name(used)}");
            }
        }
        return graph;
    }

    /// <summary>Adds the <c>using MailGateway.Api.X;</c> directives of the project's source files. They show the uses
    /// the IL does not (a constant is copied into its user), and the build refuses an unused using (IDE0005).</summary>
    public NamespaceGraph WithUsings(string projectDirectory)
    {
        var separator = Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{separator}obj{separator}", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            if (NamespaceDeclaration().Match(text) is not { Success: true } declared) continue;
            foreach (Match directive in UsingDirective().Matches(text))
            {
                var to = directive.Groups[1].Value;
                if (to != declared.Groups[1].Value)
                    Add(declared.Groups[1].Value, to, $"{Path.GetRelativePath(projectDirectory, file)}: {directive.Value.Trim()}");
            }
        }
        return this;
    }

    public void Add(string from, string to, string example)
    {
        var targets = Edges.TryGetValue(from, out var t) ? t : Edges[from] = [];
        var examples = targets.TryGetValue(to, out var e) ? e : targets[to] = new(StringComparer.Ordinal);
        examples.Add(example);
    }

    [GeneratedRegex(@"^namespace MailGateway\.Api\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using MailGateway\.Api\.(\w+)[\w.]*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    /// <summary>The feature of a type; null for types outside the Api project's feature folders (Program, the
    /// composition root, sits in the root namespace and may use everything).</summary>
    public static string? Feature(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        return ns[(Root.Length + 1)..].Split('.')[0];
    }

    /// <summary>Strongly connected components of more than one feature (Tarjan): each is a set of features that
    /// reach each other, i.e. a cycle.</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        foreach (var node in Edges.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return result;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in Edges.GetValueOrDefault(node, []).Keys)
            {
                if (!index.ContainsKey(next)) { Visit(next); low[node] = Math.Min(low[node], low[next]); }
                else if (stack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do { member = stack.Pop(); component.Add(member); } while (member != node);
            if (component.Count > 1) result.Add([.. component.Order(StringComparer.Ordinal)]);
        }
    }

    /// <summary>The edges inside one cycle, each with its example.</summary>
    public IEnumerable<string> Describe(IReadOnlyCollection<string> cycle) =>
        from user in cycle
        from edge in Edges.GetValueOrDefault(user, [])
        where cycle.Contains(edge.Key)
        orderby user, edge.Key
        select $"  {user} -> {edge.Key}   ({Examples(edge.Value)})";

    /// <summary>The first uses behind an edge (the full list can be long).</summary>
    public static string Examples(SortedSet<string> uses) =>
        string.Join("; ", uses.Take(3)) + (uses.Count > 3 ? $"; and {uses.Count - 3} more" : "");

    /// <summary>The type as written in the source: a lambda's closure or an async state machine is named after the
    /// type that declares it.</summary>
    private static string Name(Type type)
    {
        while (type.IsNested && type.Name.StartsWith('<')) type = type.DeclaringType!;
        return (type.FullName ?? type.Name).Replace(Root + ".", "", StringComparison.Ordinal);
    }
}
