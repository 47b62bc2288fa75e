using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Shopping;

/// <summary>
/// The current shopper's cart: read from and written to PostgreSQL, found through the cart cookie.
/// Every price comes from the products table at the moment it is read.
/// </summary>
public sealed class CartSession(AppDbContext db, CartCookie cookie, TimeProvider clock, IOptions<ShopOptions> shop, PriceList prices)
{
    public async Task<CartView> LoadAsync(CancellationToken cancellationToken = default)
    {
        var cartId = cookie.Read();
        if (cartId is null)
        {
            return new CartView(null, [], shop.Value.Currency, prices);
        }

        var lines = await db.CartItems.AsNoTracking()
            .Where(i => i.CartId == cartId)
            .OrderBy(i => i.Id)
            .Select(i => new
            {
                i.ProductId, i.Product!.Slug, i.Product.Name, i.Product.Roast, i.Product.WeightGrams, i.Product.PriceMinor, i.Product.Currency, i.Quantity,
                Available = i.Product.Stock - i.Product.Reserved, i.Product.IsActive,
                // In the same statement as the lines: a round read apart from them could be a later payment's.
                Round = db.Carts.Where(c => c.Id == cartId).Select(c => c.Round).First(),
            })
            .ToListAsync(cancellationToken);
        return new CartView(
            cartId,
            lines.Select(l => new CartLine(l.ProductId, l.Slug, l.Name, l.Roast, l.WeightGrams, new Money(l.PriceMinor, l.Currency), l.Quantity, l.Available, l.IsActive)).ToList(),
            shop.Value.Currency,
            prices)
        {
            Round = lines.Count == 0 ? 0 : lines[0].Round,
        };
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var cartId = cookie.Read();
        return cartId is null
            ? 0
            : await db.CartItems.Where(i => i.CartId == cartId).SumAsync(i => i.Quantity, cancellationToken);
    }

    /// <summary>
    /// Adds to the cart, creating it on first use; the quantity already in the cart counts toward the
    /// limit, and the cart never holds more than is available (the checkout checks again).
    /// </summary>
    public async Task<CartChange> AddAsync(int productId, int quantity, CancellationToken cancellationToken = default)
    {
        if (!CartRules.IsValidQuantity(quantity))
        {
            return CartChange.QuantityOutOfRange;
        }

        if (!await IsBuyableAsync(productId, cancellationToken))
        {
            return CartChange.ProductUnavailable;
        }

        var cartId = cookie.Read() ?? Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO carts (id, created_at, updated_at) VALUES ({cartId}, {now}, {now}) ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at",
            cancellationToken);

        var before = await db.CartItems.Where(i => i.CartId == cartId && i.ProductId == productId).Select(i => i.Quantity).SingleOrDefaultAsync(cancellationToken);
        // One statement, so two tabs adding at once cannot both pass the limit check.
        var inCartNow = await db.Database.SqlQuery<int>(
            $"""
            INSERT INTO cart_items AS item (cart_id, product_id, quantity)
            SELECT {cartId}, products.id, LEAST({quantity}, products.stock - products.reserved)
            FROM products WHERE products.id = {productId} AND products.is_active AND products.stock > products.reserved
            ON CONFLICT (cart_id, product_id) DO UPDATE
                SET quantity = LEAST(item.quantity + {quantity}, (SELECT stock - reserved FROM products WHERE products.id = item.product_id))
            WHERE item.quantity + {quantity} <= {CartRules.MaxQuantity}
                AND (SELECT stock - reserved FROM products WHERE products.id = item.product_id) > 0
            RETURNING item.quantity AS "Value"
            """).ToListAsync(cancellationToken);
        if (inCartNow is not [var inCart])
        {
            await transaction.RollbackAsync(cancellationToken);
            return inCartNow.Count == 0 && before + quantity <= CartRules.MaxQuantity ? CartChange.ProductUnavailable : CartChange.QuantityOutOfRange;
        }

        await transaction.CommitAsync(cancellationToken);
        cookie.Write(cartId);
        return inCart < before + quantity ? CartChange.CappedAtAvailable : CartChange.Done;
    }

    public async Task<CartChange> UpdateAsync(int productId, int quantity, CancellationToken cancellationToken = default)
    {
        if (!CartRules.IsValidQuantity(quantity))
        {
            return CartChange.QuantityOutOfRange;
        }

        var cartId = cookie.Read();
        if (cartId is null)
        {
            return CartChange.NotInCart;
        }

        var available = await db.Products.Where(p => p.Id == productId).Select(p => p.Stock - p.Reserved).SingleOrDefaultAsync(cancellationToken);
        var kept = Math.Min(quantity, Math.Max(available, CartRules.MinQuantity));
        var changed = await db.CartItems
            .Where(i => i.CartId == cartId && i.ProductId == productId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, kept), cancellationToken);
        if (changed == 0)
        {
            return CartChange.NotInCart;
        }

        await TouchAsync(cartId.Value, cancellationToken);
        return kept < quantity ? CartChange.CappedAtAvailable : CartChange.Done;
    }

    public async Task<CartChange> RemoveAsync(int productId, CancellationToken cancellationToken = default)
    {
        var cartId = cookie.Read();
        if (cartId is null)
        {
            return CartChange.NotInCart;
        }

        var changed = await db.CartItems
            .Where(i => i.CartId == cartId && i.ProductId == productId)
            .ExecuteDeleteAsync(cancellationToken);
        return changed == 0 ? CartChange.NotInCart : await TouchAsync(cartId.Value, cancellationToken);
    }

    /// <summary>A coffee's name and how many bags of it are available now.</summary>
    public async Task<(string Name, int Available)> AvailabilityAsync(int productId, CancellationToken cancellationToken = default)
    {
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId)
            .Select(p => new { p.Name, Available = p.Stock - p.Reserved }).SingleAsync(cancellationToken);
        return (product.Name, product.Available);
    }

    private Task<bool> IsBuyableAsync(int productId, CancellationToken cancellationToken) =>
        db.Products.AnyAsync(p => p.Id == productId && p.IsActive && p.Stock > p.Reserved, cancellationToken);

    private async Task<CartChange> TouchAsync(Guid cartId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.Carts.Where(c => c.Id == cartId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        return CartChange.Done;
    }
}
