using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// axe-core (the copy embedded in Deque.AxeCore.Commons 4.14, injected into the page: no network) run over the
/// page as it is now, for WCAG 2.0, 2.1 and 2.2 levels A and AA and axe's best practices. A violation fails the
/// test with the rule, its impact and help, and each offending element's selector and HTML.
/// axe 4.14 tags WCAG 2.2's new AA criterion it can test (2.5.8 target size, rule <c>target-size</c>) with
/// <c>wcag22aa</c>; it has no <c>wcag22a</c> tag, as none of 2.2's new level-A criteria can be tested by a machine.
/// </summary>
public static class Axe
{
    /// <summary>The rule sets every page must pass.</summary>
    public static readonly IReadOnlyList<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

    /// <summary>Fails listing every violation on the page.</summary>
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var violations = await ViolationsAsync(page);
        Assert.True(violations.Count == 0, $"axe found {violations.Count} violation(s) on {page.Url}:\n{string.Join("\n", violations)}");
    }

    /// <summary>
    /// Each violation on the page, described for a person (empty when there is none). With <paramref name="enterFrames"/>
    /// false axe stays out of the page's frames: a frame sandboxed without scripts never gets a script context, and
    /// injecting axe into it would wait for ever.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, IEnumerable<string>? disabledRules = null, bool enterFrames = true) =>
        (await CheckAsync(page, disabledRules, enterFrames)).Violations;

    /// <summary>The violations (described as <see cref="ViolationsAsync"/> does) and the id of every rule axe ran, whatever it found.</summary>
    public static async Task<AxeCheck> CheckAsync(IPage page, IEnumerable<string>? disabledRules = null, bool enterFrames = true)
    {
        ArgumentNullException.ThrowIfNull(page);
        var options = new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] },
            ResultTypes = [ResultType.Violations],
            Iframes = enterFrames,
        };
        if (disabledRules is not null)
        {
            options.Rules = disabledRules.ToDictionary(rule => rule, _ => new RuleOptions { Enabled = false });
        }

        var result = await page.RunAxe(options);
        var rules = new[] { result.Violations, result.Passes, result.Incomplete, result.Inapplicable }
            .SelectMany(items => items ?? []).Select(item => item.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AxeCheck([.. (result.Violations ?? []).Select(Describe)], rules, result.TestEngine?.Version ?? "?");
    }

    private static string Describe(AxeResultItem violation)
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"- {violation.Id} ({violation.Impact}): {violation.Help} [{violation.HelpUrl}]");
        foreach (var node in violation.Nodes ?? [])
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n    at {node.Target}: {Shorten(node.Html)}");
            // What axe checked and found wanting (e.g. "insufficient color contrast of 3.9 (#6b5a4e on #efe6da)").
            var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).Where(m => !string.IsNullOrEmpty(m)).Distinct();
            foreach (var message in checks)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n      {message.ReplaceLineEndings(" ")}");
            }
        }

        return text.ToString();
    }

    private static string Shorten(string? html) => html is null ? "" : html.Length <= 200 ? html : html[..200] + "…";
}

/// <summary>What one axe run found (<see cref="Violations"/>, described for a person) and which rules it ran, with axe's version.</summary>
public sealed record AxeCheck(IReadOnlyList<string> Violations, IReadOnlyList<string> Rules, string Version);
