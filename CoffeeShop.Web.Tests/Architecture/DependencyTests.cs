using CoffeeShop.Web.Domain;
using Xunit.Abstractions;

namespace CoffeeShop.Web.Tests.Architecture;

/// <summary>
/// Dependencies between the web project's folders point one way: Pages → feature folders → Data → Domain;
/// Infrastructure uses no feature. A failure names the edge and one use that makes it.
/// </summary>
public class DependencyTests(ITestOutputHelper output)
{
    private static readonly FolderGraph Graph = FolderGraph.Of(typeof(Money).Assembly);

    /// <summary>The features: what a page uses and Infrastructure must not.</summary>
    private static readonly string[] Features = ["AdminAccounts", "Shopping", "Payments", "Payments.Stripe", "Payments.Simulated", "Fulfilment", "Catalog", "Catalog.Photos", "Auditing", "Messaging", "Retention", "Discovery"];

    [Fact]
    public void Graph_SeesWhatThePagesUse()
    {
        output.WriteLine(Graph.Describe());
        Assert.Contains("Payments", Graph.Uses("Pages"));
        Assert.Contains("Payments.Simulated", Graph.Uses("Pages"));
        Assert.Contains("Domain", Graph.Uses("Data"));
    }

    [Fact]
    public void Folders_ImportEachOtherInNoCycle()
    {
        var edges = Graph.Edges;
        var onCycle = edges.Where(e => Reaches(e.Key.To, e.Key.From)).ToList();
        Assert.True(onCycle.Count == 0, Failure("These uses close a cycle between folders:", onCycle));
    }

    [Fact]
    public void Domain_UsesNoOtherFolder_NorEfCoreOrAspNetCore()
    {
        Assert.True(Outgoing("Domain").Count == 0, Failure("Domain must use no other folder:", Outgoing("Domain")));

        var frameworks = Graph.ExternalUses("Domain")
            .Where(u => u.Target.Namespace is { } ns && (ns.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                || ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)))
            .Select(u => u.Example)
            .ToList();
        Assert.True(frameworks.Count == 0, "Domain must not use EF Core or ASP.NET Core:" + Environment.NewLine + string.Join(Environment.NewLine, frameworks));
    }

    [Fact]
    public void Data_UsesOnlyDomain()
    {
        var offending = Outgoing("Data").Where(e => e.Key.To != "Domain").ToList();
        Assert.True(offending.Count == 0, Failure("Data may use only Domain:", offending));
    }

    [Fact]
    public void Infrastructure_UsesNoFeature()
    {
        var offending = Outgoing("Infrastructure").Where(e => Features.Contains(e.Key.To) || e.Key.To is "Pages" or "Areas").ToList();
        Assert.True(offending.Count == 0, Failure("Infrastructure must use no feature folder:", offending));
    }

    [Fact]
    public void Pages_AreUsedByNoOtherFolder()
    {
        var offending = Graph.Edges.Where(e => e.Key.To is "Pages" or "Areas" && e.Key.From is not ("Pages" or "Areas")).ToList();
        Assert.True(offending.Count == 0, Failure("Nothing outside the pages may use them:", offending));
    }

    private static List<KeyValuePair<(string From, string To), string>> Outgoing(string folder) =>
        Graph.Edges.Where(e => e.Key.From == folder).ToList();

    private static bool Reaches(string from, string to)
    {
        var seen = new HashSet<string> { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var folder))
        {
            if (folder == to)
            {
                return true;
            }

            foreach (var next in Graph.Uses(folder).Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }

        return false;
    }

    private static string Failure(string rule, IEnumerable<KeyValuePair<(string From, string To), string>> edges) =>
        string.Join(Environment.NewLine, [
            rule,
            .. edges.Select(e => $"  {e.Key.From} → {e.Key.To}: {e.Value}"),
            "All folders:",
            Graph.Describe(),
        ]);
}
