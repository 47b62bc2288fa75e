using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Every control a person can operate (inputs, selects, text areas, buttons, links) must have an
/// accessible name, computed as assistive technology does. The page's accessibility tree (Playwright's
/// ARIA snapshot: label, aria-label, aria-labelledby, text content, title all count) is read in one go;
/// when a control has no name, each element is checked on its own to say which one.
/// </summary>
public static partial class AccessibleNames
{
    private const string Controls = "input:not([type=hidden]), select, textarea, button, a[href], [role=button], [role=link]";

    /// <summary>Fails listing each control on the page that has no accessible name; answers how many controls the tree has.</summary>
    public static async Task<int> AssertAllNamedAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var tree = await page.Locator("body").AriaSnapshotAsync();
        var controls = tree.Split('\n').Select(line => ControlLine().Match(line)).Where(m => m.Success).ToList();
        var unnamed = controls.Where(m => !m.Groups["name"].Success).Select(m => m.Value.Trim()).ToList();
        if (unnamed.Count > 0)
        {
            Assert.Fail($"Controls without an accessible name on {page.Url}:\n{string.Join("\n", unnamed)}\n"
                + string.Join("\n", await UnnamedElementsAsync(page)));
        }

        return controls.Count;
    }

    /// <summary>The slow way, element by element: the outer HTML of each visible control without a name.</summary>
    private static async Task<List<string>> UnnamedElementsAsync(IPage page)
    {
        var elements = page.Locator(Controls);
        var found = new List<string>();
        for (var i = 0; i < await elements.CountAsync(); i++)
        {
            var element = elements.Nth(i);
            if (!await element.IsVisibleAsync())
            {
                continue;
            }

            try
            {
                await Expect(element).ToHaveAccessibleNameAsync(NotBlank(), new() { Timeout = 500 });
            }
            catch (PlaywrightException)
            {
                found.Add(await element.EvaluateAsync<string>("e => e.outerHTML.slice(0, 200)"));
            }
        }

        return found;
    }

    // "- textbox "Email"", "- 'button "Pay: now"'", "- link "Beans":" are named; "- textbox", "- button [disabled]", "- link:" are not.
    [GeneratedRegex("""^\s*- '?(?<role>textbox|searchbox|spinbutton|combobox|listbox|checkbox|radio|button|link|switch|slider|menuitem|tab|option)\b(?<name> ")?""")]
    private static partial Regex ControlLine();

    [GeneratedRegex(@"\S")]
    private static partial Regex NotBlank();
}
