using CoffeeShop.Web.Shopping;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// The bags each product had before the test sold any: the catalog seed's figures, by slug. A test
/// that restocks or adds a product on purpose records the new figure here, so the ledger check
/// (<see cref="Ledger"/>) still knows what stock the sales came out of.
/// </summary>
public sealed class StockBaseline
{
    private readonly Dictionary<string, int> _stock = new(StringComparer.Ordinal);

    public StockBaseline() => Reset();

    /// <summary>The starting stock of the product with <paramref name="slug"/>; null when nobody said.</summary>
    public int? For(string slug) => _stock.TryGetValue(slug, out var stock) ? stock : null;

    /// <summary>The product now starts from <paramref name="stock"/> bags (a restock, or a product the test added).</summary>
    public void Set(string slug, int stock)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentOutOfRangeException.ThrowIfNegative(stock);
        _stock[slug] = stock;
    }

    /// <summary>Back to the catalog seed's figures, as the database is after <see cref="ShopFixture.ResetAsync"/>.</summary>
    public void Reset()
    {
        _stock.Clear();
        // Stock does not depend on the shop's currency; the seed only needs one to build its products.
        foreach (var product in CatalogSeed.Products("EUR"))
        {
            _stock[product.Slug] = product.Stock;
        }
    }
}
