using CoffeeShop.Web.Data;
using System.Text;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace CoffeeShop.Web.Pages;

/// <summary>
/// What a customer asked the catalog for in its query string: a search over name and tasting notes, a
/// roast, an origin and an order. Anything the shop does not know (another roast, a sort that is not
/// offered, a key given twice) counts as not asked, so every query string shows a catalog.
/// </summary>
public sealed record CatalogFilter(string Search, Roast? Roast, string? Origin, CatalogSort Sort)
{
    public const string SearchKey = "q";
    public const string RoastKey = "roast";
    public const string OriginKey = "origin";
    public const string SortKey = "sort";
    public const int SearchMaxLength = 100;

    /// <summary>The keys the catalog reads, and so the only ones its cached copies differ by.</summary>
    public static readonly string[] Keys = [SearchKey, RoastKey, OriginKey, SortKey];

    public static readonly IReadOnlyList<(string Value, CatalogSort Sort, string Label)> Sorts =
    [
        ("name", CatalogSort.Name, "Name"),
        ("price-asc", CatalogSort.PriceAscending, "Lowest price"),
        ("price-desc", CatalogSort.PriceDescending, "Highest price"),
    ];

    public static readonly CatalogFilter None = new("", null, null, CatalogSort.Name);

    /// <summary>Whether the search was longer than <see cref="SearchMaxLength"/> and only its start was used.</summary>
    public bool SearchShortened { get; init; }

    /// <summary>
    /// Whether every value of the known keys is in the form the filter form itself sends, and nothing
    /// is searched: only such pages are kept in the output cache (a bounded set of roast × origin × sort).
    /// </summary>
    public bool IsCacheable { get; init; }

    public bool NarrowsDown => Search.Length > 0 || Roast is not null || Origin is not null;

    public string RoastValue => Roast?.ToString().ToLowerInvariant() ?? "";

    public string SortValue => Sorts.First(s => s.Sort == Sort).Value;

    /// <summary>Reads the query string; <paramref name="origins"/> are the origins that may be asked for.</summary>
    public static CatalogFilter Read(IQueryCollection query, IReadOnlyCollection<string> origins)
    {
        ArgumentNullException.ThrowIfNull(query);
        var canonical = true;

        var searchText = Single(query, SearchKey, ref canonical);
        var search = searchText?.Trim().Normalize(NormalizationForm.FormC) ?? "";
        var shortened = search.Length > SearchMaxLength;
        if (shortened)
        {
            // Never split a surrogate pair: half a character is not text the database accepts.
            var cut = char.IsHighSurrogate(search[SearchMaxLength - 1]) ? SearchMaxLength - 1 : SearchMaxLength;
            search = search[..cut].TrimEnd();
        }

        var roastText = Single(query, RoastKey, ref canonical);
        Roast? roast = null;
        if (!string.IsNullOrEmpty(roastText))
        {
            roast = Enum.GetValues<Roast>().Cast<Roast?>().FirstOrDefault(r => string.Equals(r.ToString(), roastText, StringComparison.OrdinalIgnoreCase));
            canonical &= roast is not null && roastText.All(char.IsAsciiLetterLower);
        }

        var originText = Single(query, OriginKey, ref canonical);
        string? origin = null;
        if (!string.IsNullOrEmpty(originText))
        {
            origin = origins.FirstOrDefault(o => o == originText);
            canonical &= origin is not null;
        }

        var sortText = Single(query, SortKey, ref canonical);
        var sort = CatalogSort.Name;
        if (!string.IsNullOrEmpty(sortText))
        {
            var known = Sorts.FirstOrDefault(s => string.Equals(s.Value, sortText, StringComparison.OrdinalIgnoreCase));
            sort = known.Value is null ? CatalogSort.Name : known.Sort;
            canonical &= known.Value == sortText;
        }

        return new CatalogFilter(search, roast, origin, sort) { SearchShortened = shortened, IsCacheable = canonical && string.IsNullOrEmpty(searchText) };
    }

    /// <summary>The active products that match, in the asked order: the conditions run in SQL.</summary>
    public IQueryable<Product> Apply(IQueryable<Product> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        var matching = products.Where(p => p.IsActive);
        foreach (var word in Search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var pattern = LikePatterns.Containing(word);
            matching = matching.Where(p => EF.Functions.ILike(p.Name, pattern, "\\") || EF.Functions.ILike(p.TastingNotes, pattern, "\\"));
        }

        if (Roast is { } roast)
        {
            matching = matching.Where(p => p.Roast == roast);
        }

        if (Origin is { } origin)
        {
            matching = matching.Where(p => p.Origin == origin);
        }

        return Order(matching);
    }

    public IQueryable<Product> Order(IQueryable<Product> products) => Sort switch
    {
        CatalogSort.PriceAscending => products.OrderBy(p => p.PriceMinor).ThenBy(p => p.Name).ThenBy(p => p.Id),
        CatalogSort.PriceDescending => products.OrderByDescending(p => p.PriceMinor).ThenBy(p => p.Name).ThenBy(p => p.Id),
        _ => products.OrderBy(p => p.Name).ThenBy(p => p.Id),
    };

    /// <summary>The key's one value; a key given twice counts as not given (and the page is not cached).</summary>
    private static string? Single(IQueryCollection query, string key, ref bool canonical)
    {
        if (!query.TryGetValue(key, out StringValues values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            canonical = false;
            return null;
        }

        return values[0];
    }
}

public enum CatalogSort
{
    Name,
    PriceAscending,
    PriceDescending,
}
