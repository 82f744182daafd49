using System.Reflection;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;

namespace Backstage.Web.Tests.Foundation;

/// <summary>
/// One folder per feature, and no import cycles between them: the dependency graph between the namespaces
/// Backstage.Web.&lt;Folder&gt; of the compiled web assembly (every type reference NetArchTest finds, not just usings) must be
/// acyclic. Areas, Pages and Hosting are the top layers that compose the features: they may depend on any feature, and
/// no feature may depend on them. Data.Migrations (the schema's history, which runs each feature's SQL) is one too. The one reference that is not counted: the DbContext (Data) maps every feature's
/// entities, so Data's references to mapped entity types (and the types of their properties) are the model, not a
/// dependency on the feature's code.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "Backstage.Web";
    private const string Migrations = "Data.Migrations";
    private static readonly string[] TopLayers = ["Areas", "Pages", "Hosting", Migrations];
    private static readonly Assembly Web = typeof(BackstageDbContext).Assembly;

    private static IReadOnlyList<string> Folders() => Web.GetTypes()
        .Select(t => t.Namespace)
        .Where(n => n is not null && n.StartsWith(Root + ".", StringComparison.Ordinal))
        .Select(n => n![(Root.Length + 1)..])
        .Select(n => n == Migrations || n.StartsWith(Migrations + ".", StringComparison.Ordinal) ? Migrations : n.Split('.')[0])
        .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>For each ordered pair of folders, the types of the first that use the second (empty pairs left out).</summary>
    private static Dictionary<(string From, string To), string[]> Edges()
    {
        var mapped = MappedTypeNames();
        var folders = Folders();
        var edges = new Dictionary<(string, string), string[]>();
        foreach (var from in folders)
        foreach (var to in folders.Where(f => f != from))
        {
            var types = from == "Data"
                ? Types.InAssembly(Web).That().ResideInNamespace($"{Root}.Data").And().DoNotResideInNamespace($"{Root}.{Migrations}")
                : Types.InAssembly(Web).That().ResideInNamespace($"{Root}.{from}");
            var target = $"{Root}.{to}";
            var users = from == "Data"
                ? NonModelDependencies(types, to, mapped)
                : types.And().HaveDependencyOn(target).GetTypes().Select(t => t.FullName!).ToArray();
            if (users.Length > 0) edges[(from, to)] = users;
        }
        return edges;
    }

    /// <summary>Data's types that use a type of <paramref name="to"/> that the EF model does not map.</summary>
    private static string[] NonModelDependencies(PredicateList types, string to, HashSet<string> mapped)
    {
        var targets = Web.GetTypes()
            .Where(t => t.Namespace is { } n && (n == $"{Root}.{to}" || n.StartsWith($"{Root}.{to}.", StringComparison.Ordinal)))
            .Select(t => t.FullName!.Replace('+', '/'))
            .Where(n => !mapped.Contains(n))
            .ToArray();
        return targets.Length == 0 ? [] : types.And().HaveDependencyOnAny(targets).GetTypes().Select(t => t.FullName!).ToArray();
    }

    private static HashSet<string> MappedTypeNames()
    {
        var options = new DbContextOptionsBuilder<BackstageDbContext>().UseNpgsql("Host=unused").Options;
        using var db = new BackstageDbContext(options);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            names.Add(entity.ClrType.FullName!.Replace('+', '/'));
            foreach (var property in entity.GetProperties())
            {
                var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                if (type.FullName is { } n) names.Add(n.Replace('+', '/'));
            }
        }
        return names;
    }

    [Fact]
    public void Feature_folders_form_no_cycle()
    {
        var edges = Edges();
        var cycles = Cycles.Find(edges.Keys);
        Assert.True(cycles.Count == 0, "Import cycles between feature folders:\n" + string.Join("\n", cycles.Select(c => (c.Members, cycle: c.Path)).Select(c =>
            $"{string.Join(", ", c.Members)} form a cycle, for example " + string.Join(" -> ", c.cycle.Append(c.cycle[0])) + "\n" + string.Join("\n",
                c.cycle.Select((f, i) => (f, t: c.cycle[(i + 1) % c.cycle.Count]))
                    .Select(e => $"    {e.f} -> {e.t}: {string.Join(", ", edges[(e.f, e.t)].Take(5))}")))));
    }

    [Fact]
    public void No_feature_depends_on_the_top_layers()
    {
        var wrong = Edges().Where(e => TopLayers.Contains(e.Key.To) && !TopLayers.Contains(e.Key.From))
            .Select(e => $"{e.Key.From} -> {e.Key.To}: {string.Join(", ", e.Value)}").ToList();
        Assert.True(wrong.Count == 0, "Features that depend on Areas, Pages or Hosting:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void The_graph_sees_the_features_and_their_real_dependencies()
    {
        // Guards the two tests above against passing on an empty graph (a renamed root namespace, a filter that matches nothing).
        var edges = Edges();
        Assert.Contains("Galleries", Folders());
        Assert.Contains(("Comments", "Accounts"), edges.Keys);
        Assert.Contains(("Galleries", "Data"), edges.Keys);
        Assert.True(!edges.TryGetValue(("Data", "Shows"), out var show), $"Data -> Shows: {string.Join(", ", show ?? [])}"); // the model, not a use
    }

    [Fact]
    public void The_cycle_finder_names_a_cycle()
    {
        var found = Cycles.Find([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]);
        var cycle = Assert.Single(found);
        Assert.Equal(["A", "B", "C"], cycle.Members);
        Assert.Equal(["A", "B", "C"], cycle.Path);
        Assert.Empty(Cycles.Find([("A", "B"), ("B", "C"), ("A", "C")]));
    }
}

/// <summary>Strongly connected components (Tarjan): every component of more than one node holds a cycle.</summary>
internal static class Cycles
{
    public static List<(List<string> Path, List<string> Members)> Find(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var nodes = next.Keys.Concat(next.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var result = new List<(List<string> Path, List<string> Members)>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (stack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add((OneCycle(component, next), component.Order(StringComparer.Ordinal).ToList()));
        }
        foreach (var n in nodes.Where(n => !index.ContainsKey(n))) Visit(n);
        return result;
    }

    /// <summary>A shortest cycle through the component's first node, for the message (breaking it shows the next).</summary>
    private static List<string> OneCycle(List<string> component, Dictionary<string, List<string>> next)
    {
        var members = component.ToHashSet();
        var start = component.Min(StringComparer.Ordinal)!;
        var parent = new Dictionary<string, string> { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in (next.GetValueOrDefault(v) ?? []).Where(members.Contains))
            {
                if (w == start)
                {
                    var path = new List<string> { v };
                    while (path[^1] != start) path.Add(parent[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (parent.TryAdd(w, v)) queue.Enqueue(w);
            }
        }
        return component;
    }
}
