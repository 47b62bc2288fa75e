using System.Text.RegularExpressions;

namespace CoffeeShop.Web.Tests;

/// <summary>
/// The README's "Production quick start" is what scripts/deploy-smoke runs (CI runs the script): every command of
/// the section's bash blocks is in the script as written, the environment file's keys are the ones the script
/// writes, nginx's location block is the script's, and the service runs the same published dll.
/// </summary>
public partial class ProductionQuickStartTests
{
    private const string Section = "## Production quick start";

    private static readonly Lazy<string> Script = new(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "scripts", "deploy-smoke")));

    [Fact]
    public void EveryCommandOfTheSection_IsRunByDeploySmokeAsWritten()
    {
        var commands = Blocks("bash").SelectMany(Commands).ToList();
        Assert.True(commands.Count >= 9, $"the section has only {commands.Count} commands");

        var missing = commands.Where(c => !ScriptLines().Contains(c)).ToList();

        Assert.True(missing.Count == 0, "README commands scripts/deploy-smoke does not run as written:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void TheEnvironmentFile_HasTheKeysDeploySmokeWrites()
    {
        var readmeKeys = Blocks("ini").First().Split('\n').Select(l => KeyOf().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var envFile = Script.Value[Script.Value.IndexOf("<<ENV", StringComparison.Ordinal)..Script.Value.IndexOf("\nENV\n", StringComparison.Ordinal)];

        Assert.Contains("ForwardedHeaders__KnownProxies__0", readmeKeys);
        Assert.All(readmeKeys, key => Assert.Contains($"\n{key}=", envFile, StringComparison.Ordinal));
    }

    [Fact]
    public void NginxLocationAndServiceCommand_AreDeploySmokes()
    {
        var nginx = Blocks("nginx").Single();
        var location = nginx[nginx.IndexOf("location / {", StringComparison.Ordinal)..];
        location = location[..(location.IndexOf('}', StringComparison.Ordinal) + 1)];
        var scriptNginx = Script.Value.Replace("\\$", "$", StringComparison.Ordinal);

        foreach (var line in location.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Append("client_max_body_size 6m;"))
        {
            Assert.Contains(line, scriptNginx, StringComparison.Ordinal);
        }

        var unit = Blocks("ini").Single(b => b.Contains("ExecStart=", StringComparison.Ordinal));
        Assert.Contains("ExecStart=/usr/bin/dotnet /srv/coffeeshop/app/CoffeeShop.Web.dll --urls http://127.0.0.1:", unit, StringComparison.Ordinal);
        Assert.Contains("EnvironmentFile=/srv/coffeeshop/coffeeshop.env", unit, StringComparison.Ordinal);
        Assert.Contains("exec dotnet \"$SHOP_HOME/app/CoffeeShop.Web.dll\" --urls \"http://127.0.0.1:$port\"", Script.Value, StringComparison.Ordinal);
        Assert.Contains("set -a; . \"$SHOP_HOME/coffeeshop.env\"; set +a", Script.Value, StringComparison.Ordinal);
    }

    private static HashSet<string> ScriptLines() =>
        Script.Value.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

    /// <summary>One command per line; comments and blank lines are not commands.</summary>
    private static IEnumerable<string> Commands(string block) =>
        block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static List<string> Blocks(string language)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var start = readme.IndexOf(Section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{Section}'");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return [.. Regex.Matches(section, $"```{language}\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "deploy-smoke")))
            {
                return dir.FullName;
            }
        }

        throw new FileNotFoundException($"scripts/deploy-smoke not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex KeyOf();
}
