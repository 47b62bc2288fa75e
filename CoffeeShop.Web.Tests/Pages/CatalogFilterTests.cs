using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>
/// Customers find coffee: the catalog's search, roast, origin and sort, read from the query string;
/// anything else in the query string shows a catalog (never a 500) and cannot fill the output cache.
/// </summary>
public class CatalogFilterTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static List<string> Names(IDocument page) => [.. page.QuerySelectorAll(".card h2").Select(h => h.TextContent.Trim())];

    private async Task<IDocument> CatalogAsync(string query) => await Factory.CreateBrowserClient().GetDocumentAsync("/" + query);

    [Fact]
    public async Task Get_Index_ShowsALabelledFilterFormAndTheCount()
    {
        var page = await CatalogAsync("");

        var form = page.Form("form.catalog-filter");
        Assert.Equal("get", form.Method, ignoreCase: true);
        foreach (var name in new[] { "q", "roast", "origin", "sort" })
        {
            var control = form.QuerySelector($"[name={name}]")!;
            Assert.NotNull(page.QuerySelector($"label[for={control.Id}]"));
        }

        Assert.Equal("Show coffee", form.QuerySelector("button[type=submit]")!.TextContent.Trim());
        var origins = form.QuerySelectorAll("select[name=origin] option").Select(o => o.TextContent).ToList();
        Assert.Equal(["Any origin", "Aceh, Indonesia", "Antigua, Guatemala", "Brazil & Colombia", "Cerrado Mineiro, Brazil", "Gedeo, Ethiopia", "Huila, Colombia", "Kiambu, Kenya", "Sierra Nevada, Colombia"], origins);
        Assert.Equal("8 coffees", page.QuerySelector("#result-count")!.TextContent.Trim());
    }

    [Fact]
    public async Task Get_Index_ByRoast_ShowsOnlyThatRoast()
    {
        var page = await CatalogAsync("?roast=dark");

        Assert.Equal(["House Espresso Blend", "Sumatra Gayo"], Names(page));
        Assert.Equal("2 coffees match", page.QuerySelector("#result-count")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("select[name=roast] option[value=dark][selected]"));
    }

    [Fact]
    public async Task Get_Index_ByOrigin_ShowsOnlyThatOriginAndLeavesInactiveOriginsOut()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var page = await CatalogAsync("?origin=" + Uri.EscapeDataString("Huila, Colombia"));

        Assert.Equal(["Huila El Mirador"], Names(page));
        Assert.DoesNotContain("Kiambu, Kenya", page.QuerySelectorAll("select[name=origin] option").Select(o => o.TextContent));
    }

    [Theory]
    [InlineData("?sort=price-asc", new[] { "Huila El Mirador", "Decaf Sierra Nevada", "Sumatra Gayo", "Antigua San Miguel", "Yirgacheffe Kochere", "Kiambu AA", "Cerrado Sunrise", "House Espresso Blend" })]
    [InlineData("?sort=price-desc", new[] { "House Espresso Blend", "Cerrado Sunrise", "Kiambu AA", "Yirgacheffe Kochere", "Antigua San Miguel", "Sumatra Gayo", "Decaf Sierra Nevada", "Huila El Mirador" })]
    [InlineData("?sort=name", new[] { "Antigua San Miguel", "Cerrado Sunrise", "Decaf Sierra Nevada", "House Espresso Blend", "Huila El Mirador", "Kiambu AA", "Sumatra Gayo", "Yirgacheffe Kochere" })]
    public async Task Get_Index_Sorted_ListsInThatOrder(string query, string[] expected)
    {
        Assert.Equal(expected, Names(await CatalogAsync(query)));
    }

    [Theory]
    [InlineData("?q=kiambu", "Kiambu AA")]
    [InlineData("?q=JASMINE", "Yirgacheffe Kochere")]
    [InlineData("?q=chocolate+milk", "Huila El Mirador")]
    [InlineData("?q=%20%20molasses%20", "Sumatra Gayo")]
    public async Task Get_Index_Search_FindsByNameAndTastingNotesIgnoringCase(string query, string expected)
    {
        Assert.Equal([expected], Names(await CatalogAsync(query)));
    }

    [Fact]
    public async Task Get_Index_CombinedFilters_ApplyAllOfThem()
    {
        var page = await CatalogAsync("?q=cocoa&roast=medium&origin=" + Uri.EscapeDataString("Sierra Nevada, Colombia") + "&sort=price-desc");

        Assert.Equal(["Decaf Sierra Nevada"], Names(page));
        Assert.Equal("cocoa", page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=q]")!.Value);
    }

    [Fact]
    public async Task Get_Index_NothingMatches_SaysSoWithALinkToClearTheFilters()
    {
        var page = await CatalogAsync("?q=bubblegum&roast=light");

        Assert.Empty(Names(page));
        Assert.Equal("0 coffees match", page.QuerySelector("#result-count")!.TextContent.Trim());
        var none = page.QuerySelector("#no-match")!;
        Assert.Contains("No coffee matches “bubblegum”", none.TextContent, StringComparison.Ordinal);
        Assert.Equal("/", none.QuerySelector("a")!.GetAttribute("href"));
    }

    /// <summary>Junk in the query string: the catalog still answers 200 with what the junk could not change, its values escaped.</summary>
    [Theory]
    [InlineData("?roast=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 8)]
    [InlineData("?sort=drop%20table%20products", 8)]
    [InlineData("?origin=Atlantis", 8)]
    [InlineData("?roast=light&roast=dark", 8)]
    [InlineData("?sort=price-asc&sort=name&q=&q=", 8)]
    [InlineData("?q=%25", 0)]
    [InlineData("?q=_", 0)]
    [InlineData("?q=%5C", 0)]
    [InlineData("?q=%27%3B%20DROP%20TABLE%20products%3B--", 0)]
    [InlineData("?utm_source=x&page=-1&roast[]=1", 8)]
    [InlineData("?q=%F0%9F%98%80%ED%A0%80", 0)]
    public async Task Get_Index_JunkQuery_Answers200WithASensibleCatalog(string query, int count)
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal(count, Names(page).Count);
        await using var db = Db();
        Assert.Equal(8, await db.Products.CountAsync());
    }

    [Fact]
    public async Task Get_Index_SearchWithMarkup_IsShownEscaped()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/?q=" + Uri.EscapeDataString("<img src=x onerror=alert(1)>"));

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Index_VeryLongSearch_UsesItsStartAndSaysSo()
    {
        var page = await CatalogAsync("?q=" + "jasmine" + new string(' ', 93) + new string('x', 5000));

        Assert.Equal(["Yirgacheffe Kochere"], Names(page));
        Assert.NotNull(page.QuerySelector("#search-shortened"));
    }

    [Fact]
    public async Task Get_Index_FilterPages_AreCachedButSearchesAndJunkAreNot()
    {
        async Task<bool> SecondIsCached(string query)
        {
            await Factory.CreateBrowserClient().GetAsync("/" + query);
            var second = await Factory.CreateBrowserClient().GetAsync("/" + query);
            return second.Headers.Contains("Age");
        }

        Assert.True(await SecondIsCached("?roast=light&sort=price-asc"));
        Assert.True(await SecondIsCached("?q=&roast=&origin=&sort=name"));
        Assert.False(await SecondIsCached("?q=jasmine"));
        Assert.False(await SecondIsCached("?roast=%3Cscript%3E"));
        Assert.False(await SecondIsCached("?sort=price-asc&sort=name"));

        // A key the catalog does not read is no part of the cached copy's key: it is served the default page.
        await Factory.CreateBrowserClient().GetAsync("/");
        var junk = await Factory.CreateBrowserClient().GetAsync("/?utm_source=" + Guid.NewGuid());
        Assert.True(junk.Headers.Contains("Age"));
    }

    [Fact]
    public async Task Get_Index_FilteredPage_FollowsAProductChange()
    {
        await CatalogAsync("?roast=dark");
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "sumatra-gayo").ExecuteUpdateAsync(s => s.SetProperty(p => p.Roast, CoffeeShop.Web.Domain.Roast.Medium));
        }

        await ShopFactory.ClearPageCachesAsync();

        Assert.Equal(["House Espresso Blend"], Names(await CatalogAsync("?roast=dark")));
    }
}
