using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Shopping;

public enum CartChange
{
    Done,
    ProductUnavailable,
    QuantityOutOfRange,
    NotInCart,
}

public sealed record CartLine(int ProductId, string Slug, string Name, Roast Roast, int WeightGrams, Money UnitPrice, int Quantity)
{
    public Money LineTotal => UnitPrice.Times(Quantity);
}

public sealed record CartView(Guid? CartId, IReadOnlyList<CartLine> Lines, string Currency)
{
    public int ItemCount => Lines.Sum(l => l.Quantity);
    public bool IsEmpty => Lines.Count == 0;
    public Money Total => Lines.Aggregate(Money.Zero(Currency), (sum, line) => sum.Plus(line.LineTotal));

    /// <summary>
    /// Changes whenever a line, quantity or price changes: the checkout form carries it, so a payment
    /// is never taken for a cart other than the one the customer saw.
    /// </summary>
    public string Fingerprint => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join(';', Lines.Select(l => $"{l.ProductId}:{l.Quantity}:{l.UnitPrice.Minor}:{l.UnitPrice.Currency}")))))[..32];
}

/// <summary>
/// The current shopper's cart: read from and written to PostgreSQL, found through the cart cookie.
/// Every price comes from the products table at the moment it is read.
/// </summary>
public sealed class CartSession(AppDbContext db, CartCookie cookie, TimeProvider clock, IOptions<ShopOptions> shop)
{
    public async Task<CartView> LoadAsync(CancellationToken cancellationToken = default)
    {
        var cartId = cookie.Read();
        if (cartId is null)
        {
            return new CartView(null, [], shop.Value.Currency);
        }

        var lines = await db.CartItems.AsNoTracking()
            .Where(i => i.CartId == cartId)
            .OrderBy(i => i.Id)
            .Select(i => new { i.ProductId, i.Product!.Slug, i.Product.Name, i.Product.Roast, i.Product.WeightGrams, i.Product.PriceMinor, i.Product.Currency, i.Quantity })
            .ToListAsync(cancellationToken);
        return new CartView(
            cartId,
            lines.Select(l => new CartLine(l.ProductId, l.Slug, l.Name, l.Roast, l.WeightGrams, new Money(l.PriceMinor, l.Currency), l.Quantity)).ToList(),
            shop.Value.Currency);
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        var cartId = cookie.Read();
        return cartId is null
            ? 0
            : await db.CartItems.Where(i => i.CartId == cartId).SumAsync(i => i.Quantity, cancellationToken);
    }

    /// <summary>Adds to the cart, creating it on first use; the quantity already in the cart counts toward the limit.</summary>
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

        // One statement, so two tabs adding at once cannot both pass the limit check.
        var changed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ({cartId}, {productId}, {quantity})
            ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
            WHERE cart_items.quantity + EXCLUDED.quantity <= {CartRules.MaxQuantity}
            """,
            cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return CartChange.QuantityOutOfRange;
        }

        await transaction.CommitAsync(cancellationToken);
        cookie.Write(cartId);
        return CartChange.Done;
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

        var changed = await db.CartItems
            .Where(i => i.CartId == cartId && i.ProductId == productId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, quantity), cancellationToken);
        return changed == 0 ? CartChange.NotInCart : await TouchAsync(cartId.Value, cancellationToken);
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

    private Task<bool> IsBuyableAsync(int productId, CancellationToken cancellationToken) =>
        db.Products.AnyAsync(p => p.Id == productId && p.IsActive && p.Stock > 0, cancellationToken);

    private async Task<CartChange> TouchAsync(Guid cartId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.Carts.Where(c => c.Id == cartId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        return CartChange.Done;
    }
}
