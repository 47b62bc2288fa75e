using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Screenshots of the shop's main pages, viewport-sized PNGs. Every run writes them to
/// <c>TestResults/screenshots/</c> at the repository root (the CI artifacts folder); with
/// <c>COFFEESHOP_UPDATE_SCREENSHOTS=1</c> they also replace the committed ones in <c>docs/screenshots/</c>,
/// which the README shows. A plain test run never rewrites committed files.
/// </summary>
public static class Screenshots
{
    public const string UpdateVariable = "COFFEESHOP_UPDATE_SCREENSHOTS";

    internal static readonly DirectoryInfo? RepositoryRoot = FindRoot();

    public static string ArtifactsFolder { get; } = RepositoryRoot is { } root
        ? System.IO.Path.Combine(root.FullName, "TestResults", "screenshots")
        : System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static bool UpdateDocs => Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";

    /// <summary>Saves the page as <c>{name}.png</c>; answers the artifact's path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(ArtifactsFolder);
        var path = System.IO.Path.Combine(ArtifactsFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false, Animations = ScreenshotAnimations.Disabled });
        if (UpdateDocs && RepositoryRoot is { } root)
        {
            var docs = Directory.CreateDirectory(System.IO.Path.Combine(root.FullName, "docs", "screenshots"));
            File.Copy(path, System.IO.Path.Combine(docs.FullName, $"{name}.png"), overwrite: true);
        }

        return path;
    }

    private static DirectoryInfo? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CoffeeShop.sln")))
            {
                return dir;
            }
        }

        return null;
    }
}
