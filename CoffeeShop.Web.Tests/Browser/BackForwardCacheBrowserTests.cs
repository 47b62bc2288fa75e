using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Going back and forward between the catalog and a product page shows them at once, restored from the browser's
/// back/forward cache, not fetched and rendered again. Playwright launches Chromium with that cache turned off
/// (<c>--disable-back-forward-cache</c>); this test's browser keeps it on, as people's browsers do.
/// </summary>
public sealed class BackForwardCacheBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    // Counts restorations: a page restored from the cache keeps its scripts' state and gets pageshow with persisted;
    // a page loaded again starts from 0.
    private const string CountRestores = "window.__restored = 0; window.addEventListener('pageshow', e => { if (e.persisted) window.__restored++; });";

    [Fact]
    public async Task Back_FromProductToCatalog_AndForwardAgain_RestoresBothFromTheBackForwardCache()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            IgnoreDefaultArgs = ["--disable-back-forward-cache"],
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var session = await BrowserSession.OpenAsync(chromium, browser.SimulatedShop());
        await session.Page.Context.AddInitScriptAsync(CountRestores);
        // Chromium says why a page was not restored: the failure message names it.
        var reasons = new List<string>();
        var cdp = await session.Page.Context.NewCDPSessionAsync(session.Page);
        cdp.Event("Page.backForwardCacheNotUsed").OnEvent += (_, e) =>
        {
            lock (reasons)
            {
                reasons.Add(e?.ToString() ?? "");
            }
        };
        await cdp.SendAsync("Page.enable");
        string Reasons()
        {
            lock (reasons)
            {
                return string.Join("\n", reasons);
            }
        }

        await session.GotoAsync("/");
        await session.Page.ClickAsync("a[href='/Products/kiambu-aa']");
        await session.WaitForPathAsync("^/Products/kiambu-aa$");
        // The product page's add-to-cart form has an antiforgery token (and this first visit an antiforgery cookie).
        Assert.Equal(1, await session.Page.Locator("form.add input[name=__RequestVerificationToken]").CountAsync());

        // A restored page fires no load event (Playwright would wait for one): wait for the history step to commit,
        // then for the document to be complete, which a restored one already is.
        await session.Page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });
        await session.Page.WaitForFunctionAsync("() => document.readyState === 'complete'");
        Assert.Equal("/", session.Path);
        Assert.True(await session.Page.EvaluateAsync<int>("() => window.__restored") == 1, "The catalog was loaded again, not restored: " + Reasons());

        await session.Page.GoForwardAsync(new PageGoForwardOptions { WaitUntil = WaitUntilState.Commit });
        await session.Page.WaitForFunctionAsync("() => document.readyState === 'complete'");
        Assert.Equal("/Products/kiambu-aa", session.Path);
        Assert.True(await session.Page.EvaluateAsync<int>("() => window.__restored") == 1, "The product page was loaded again, not restored: " + Reasons());

        await session.AssertNoProblemsAsync();
    }
}
