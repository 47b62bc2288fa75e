using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CoffeeShop.Web.Shopping;

/// <summary>
/// The starting catalog. Idempotent: products are matched by slug, inserted when missing and left
/// alone when present, so an admin's later price or stock change survives a restart. A new product's
/// bags arrive as a "received" movement of the stock ledger, in the same transaction.
/// </summary>
public sealed class CatalogSeed(AppDbContext db, IOptions<ShopOptions> shop)
{
    /// <summary>Who the ledger says received the seeded bags.</summary>
    public const string Actor = "catalog seed";

    internal static IReadOnlyList<(Product Product, int Bags)> Products(string currency) =>
    [
        New("yirgacheffe-kochere", "Yirgacheffe Kochere", "Gedeo, Ethiopia", Roast.Light, 250,
            "Jasmine, bergamot, lemon curd",
            "Washed heirloom varieties grown at 1,900–2,200 m by smallholders around Kochere. Bright, floral and tea-like.",
            1450, currency, 40),
        New("huila-el-mirador", "Huila El Mirador", "Huila, Colombia", Roast.Medium, 250,
            "Red apple, panela, milk chocolate",
            "Caturra and Castillo from family farms on the slopes above Pitalito. Sweet and balanced for filter or espresso.",
            1250, currency, 55),
        New("cerrado-sunrise", "Cerrado Sunrise", "Cerrado Mineiro, Brazil", Roast.Medium, 500,
            "Hazelnut, cocoa, caramel",
            "A natural-processed Yellow Bourbon: low acidity, round body, our everyday espresso in a half-kilo bag.",
            1890, currency, 80),
        New("kiambu-aa", "Kiambu AA", "Kiambu, Kenya", Roast.Light, 250,
            "Blackcurrant, grapefruit, cane sugar",
            "SL28 and SL34 washed at the Karing'a factory. Juicy and vivid; best as pour-over.",
            1690, currency, 25),
        New("sumatra-gayo", "Sumatra Gayo", "Aceh, Indonesia", Roast.Dark, 250,
            "Cedar, dark chocolate, molasses",
            "Wet-hulled Gayo from the highlands around Lake Laut Tawar. Heavy, earthy, made for the moka pot and French press.",
            1350, currency, 60),
        New("antigua-san-miguel", "Antigua San Miguel", "Antigua, Guatemala", Roast.Medium, 250,
            "Orange zest, toffee, almond",
            "Bourbon grown in volcanic soil under shade trees. Crisp and sweet with a long toffee finish.",
            1390, currency, 45),
        New("house-espresso", "House Espresso Blend", "Brazil & Colombia", Roast.Dark, 1000,
            "Dark cocoa, roasted nuts, brown sugar",
            "Our café blend in a one-kilo bag: thick crema and a sweet finish that stands up to milk.",
            3200, currency, 30),
        New("decaf-sierra", "Decaf Sierra Nevada", "Sierra Nevada, Colombia", Roast.Medium, 250,
            "Plum, cocoa nib, vanilla",
            "Sugarcane-process decaf that keeps the sweetness: an evening cup without compromise.",
            1290, currency, 0),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        var currency = shop.Value.Currency;
        var existing = await db.Products.Select(p => p.Slug).ToListAsync(cancellationToken);
        var missing = Products(currency).Where(p => !existing.Contains(p.Product.Slug)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Products.AddRange(missing.Select(p => p.Product));
            await db.SaveChangesAsync(cancellationToken);
            db.StockMovements.AddRange(missing.Where(p => p.Bags > 0).Select(p => new StockMovement
            {
                ProductId = p.Product.Id,
                OnHandDelta = p.Bags,
                Reason = StockMovementReason.Received,
                Actor = Actor,
                Note = "Opening stock",
            }));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance seeded at the same moment; its rows are the same catalog.
            db.ChangeTracker.Clear();
        }
    }

    private static (Product Product, int Bags) New(string slug, string name, string origin, Roast roast, int grams, string notes,
        string description, long priceMinor, string currency, int bags) => (new Product
    {
        Slug = slug,
        Name = name,
        Origin = origin,
        Roast = roast,
        WeightGrams = grams,
        TastingNotes = notes,
        Description = description,
        // The starting prices are written as minor units; a currency with coarser steps (ISK in whole
        // krónur, three-decimal currencies in tens) gets the next amount Stripe accepts.
        PriceMinor = Currencies.Get(currency).RoundUpToChargeable(priceMinor),
        Currency = currency,
        IsActive = true,
    }, bags);
}
