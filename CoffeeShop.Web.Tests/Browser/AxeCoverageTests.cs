using System.Text.RegularExpressions;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Every Razor page file of the shop (<c>Pages/</c> and <c>Areas/</c>, partials aside) is opened by
/// <see cref="AxeTests"/>, or is named here with why axe has nothing of its own to check there; and every page
/// that loads Stripe.js is checked in both payment modes. A page added later fails this test until it is listed.
/// </summary>
public sealed partial class AxeCoverageTests(ShopFixture fixture) : ShopTest(fixture)
{
    /// <summary>Pages with no HTML of their own for axe, by file, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotChecked = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/Pages/Admin/Orders/Export.cshtml"] = "answers a CSV file",
        ["/Pages/Admin/Products/Export.cshtml"] = "answers a CSV file",
        ["/Pages/Admin/Emails/PreviewDocument.cshtml"] = "answers an email's own HTML document, which EmailBrowserTests checks with axe",
        ["/Pages/Checkout/Return.cshtml"] = "only redirects (to the order page or back to the checkout)",
        ["/Areas/Identity/Pages/Account/ExternalLogin.cshtml"] = "not offered: answers 404 with the error page (checked as \"error page\")",
        ["/Areas/Identity/Pages/Account/Register.cshtml"] = "not offered: answers 404 with the error page (checked as \"error page\")",
        ["/Areas/Identity/Pages/Account/RegisterConfirmation.cshtml"] = "not offered: answers 404 with the error page (checked as \"error page\")",
        ["/Areas/Identity/Pages/Account/ResendEmailConfirmation.cshtml"] = "not offered: answers 404 with the error page (checked as \"error page\")",
    };

    /// <summary>Pages reached only by what a person does on another page (paying on the checkout), by file, and the entry of <see cref="AxeTests.Pages"/> that goes there.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReachedThrough = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/Pages/Checkout/Authenticate.cshtml"] = "3-D Secure step (Stripe)",
        ["/Pages/Checkout/SimulatedAuthentication.cshtml"] = "simulated bank step",
    };

    private static readonly string[] PageFolders = ["Pages", "Areas"];

    [Fact]
    public void Axe_EveryRazorPageFile_IsInThePagesListOrNamedWithAReason()
    {
        var web = Path.Combine(Screenshots.RepositoryRoot!.FullName, "CoffeeShop.Web");
        var files = PageFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(web, folder), "*.cshtml", SearchOption.AllDirectories))
            .Where(file => !Path.GetFileName(file).StartsWith('_'))
            .Select(file => "/" + Path.GetRelativePath(web, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var routes = PageRoutes();
        var paths = AxeTests.Pages.Values.Select(p => Sample(p.Path)).ToList();

        var missing = new List<string>();
        foreach (var file in files)
        {
            Assert.True(routes.ContainsKey(file), $"{file} has no endpoint: is it a page?");
            if (NotChecked.ContainsKey(file) || (ReachedThrough.TryGetValue(file, out var entry) && AxeTests.Pages.ContainsKey(entry)))
            {
                continue;
            }

            var patterns = routes[file].Select(ToRegex).ToList();
            if (!paths.Any(path => patterns.Any(pattern => pattern.IsMatch(path))))
            {
                missing.Add($"{file} ({string.Join(", ", routes[file])})");
            }
        }

        Assert.True(missing.Count == 0, "Pages axe never opens; add them to AxeTests.Pages (or, with a reason, to NotChecked):\n" + string.Join("\n", missing));
        Assert.All(NotChecked.Keys, file => Assert.Contains(file, files));
        Assert.True(files.Count > 40, $"only {files.Count} page files found");
    }

    [Fact]
    public void Axe_EveryPageThatLoadsStripeJs_IsCheckedInBothPaymentModes()
    {
        var stripePages = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<LoadsStripeJsAttribute>() is not null)
            .Select(e => ToRegex(e.RoutePattern.RawText ?? ""))
            .ToList();
        Assert.NotEmpty(stripePages);

        // A Stripe page is reached either by its path or, as the bank's step, by paying on the checkout.
        Assert.Contains(AxeTests.Pages, p => p.Value.StripeToken is null && stripePages.Any(r => r.IsMatch(Sample(p.Value.Path))));
        Assert.Contains(AxeTests.Pages, p => p.Value.StripeToken is not null && stripePages.Any(r => r.IsMatch(Sample(p.Value.Path))));
        Assert.Contains("3-D Secure step (Stripe)", AxeTests.Pages.Keys);
        Assert.Contains("simulated bank step", AxeTests.Pages.Keys);
    }

    /// <summary>Each page file's route templates, from the app's endpoints.</summary>
    private Dictionary<string, List<string>> PageRoutes() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Page: e.Metadata.GetMetadata<PageActionDescriptor>(), Route: e.RoutePattern.RawText ?? ""))
            .Where(e => e.Page is not null)
            .GroupBy(e => e.Page!.RelativePath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Route).Distinct().ToList(), StringComparer.Ordinal);

    /// <summary>A route template as a regular expression over a path: each parameter one segment, an optional one maybe none.</summary>
    private static Regex ToRegex(string template)
    {
        var pattern = "^/" + Parameter().Replace(Regex.Escape(template.TrimStart('/')).Replace(@"\{", "{", StringComparison.Ordinal), m =>
            m.Value.EndsWith("?}", StringComparison.Ordinal) ? "[^/]*" : "[^/]+");
        return new Regex(pattern.Replace("/[^/]*", "(/[^/]+)?", StringComparison.Ordinal) + "/?$", RegexOptions.IgnoreCase);
    }

    /// <summary>A page path of <see cref="AxeTests.Pages"/> with sample values in its placeholders, without its query.</summary>
    private static string Sample(string path) => path.Split('?')[0]
        .Replace("{orderId}", "1", StringComparison.Ordinal)
        .Replace("{order}", "AbCdEfGhIjKlMnOpQr", StringComparison.Ordinal)
        .Replace("{payment}", "1", StringComparison.Ordinal)
        .Replace("{product}", "1", StringComparison.Ordinal);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
