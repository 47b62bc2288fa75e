using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// What happens to an order's bags as its payment settles, inside the caller's transaction (the record
/// and order rows already locked). Products' <c>reserved</c> counts the bags held by attempts that may
/// still succeed; the database refuses more held than on hand, or any figure below zero.
/// </summary>
internal static class StockMoves
{
    /// <summary>Makes the move; answers the product rows it changed.</summary>
    public static Task<int> ApplyAsync(AppDbContext db, Order order, StockMove move, CancellationToken cancellationToken) => move switch
    {
        StockMove.Hold => HoldAsync(db, order.Id, cancellationToken),
        StockMove.Release => ReleaseAsync(db, order.Id, cancellationToken),
        StockMove.SellHeld => SellAsync(db, order, held: true, cancellationToken),
        StockMove.SellAvailable => SellAsync(db, order, held: false, cancellationToken),
        StockMove.Return => ReturnAsync(db, order.Id, cancellationToken),
        _ => Task.FromResult(0),
    };

    private static Task<int> HoldAsync(AppDbContext db, long orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE products SET reserved = products.reserved
                + CASE WHEN products.is_active THEN line.quantity ELSE products.stock + 1 END
            FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {orderId} GROUP BY product_id) AS line
            WHERE products.id = line.product_id
            """, cancellationToken);

    private static Task<int> ReleaseAsync(AppDbContext db, long orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE products SET reserved = products.reserved - line.quantity
            FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {orderId} GROUP BY product_id) AS line
            WHERE products.id = line.product_id
            """, cancellationToken);

    private static Task<int> ReturnAsync(AppDbContext db, long orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE products SET stock = products.stock + line.quantity
            FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {orderId} GROUP BY product_id) AS line
            WHERE products.id = line.product_id
            """, cancellationToken);

    /// <summary>Locks the order's products and answers whether all its bags are available (for money that came after they were given back).</summary>
    public static async Task<bool> LockIfAvailableAsync(AppDbContext db, Order order, CancellationToken cancellationToken)
    {
        var missing = await db.Database.SqlQuery<int>($"""
            WITH line AS (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {order.Id} GROUP BY product_id),
            locked AS (
                SELECT products.id, products.stock - products.reserved AS available, line.quantity
                FROM products JOIN line ON line.product_id = products.id
                ORDER BY products.id
                FOR UPDATE OF products)
            SELECT count(*)::int AS "Value" FROM locked WHERE available < quantity
            """).SingleAsync(cancellationToken);
        return missing == 0;
    }

    /// <summary>
    /// The bags leave stock (and the reservation, when the attempt held them). The cart keeps what was
    /// added after the checkout form was rendered: each paid line takes away its own quantity, no more.
    /// One statement; its parts touch different rows.
    /// </summary>
    private static Task<int> SellAsync(AppDbContext db, Order order, bool held, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            WITH line AS (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {order.Id} GROUP BY product_id),
            sold AS (
                UPDATE products SET stock = products.stock - line.quantity,
                    reserved = products.reserved - CASE WHEN {held} THEN line.quantity ELSE 0 END
                FROM line WHERE products.id = line.product_id),
            emptied AS (
                DELETE FROM cart_items USING line
                WHERE cart_items.cart_id = {order.CartId} AND cart_items.product_id = line.product_id AND cart_items.quantity <= line.quantity)
            UPDATE cart_items SET quantity = cart_items.quantity - line.quantity
            FROM line
            WHERE cart_items.cart_id = {order.CartId} AND cart_items.product_id = line.product_id AND cart_items.quantity > line.quantity
            """, cancellationToken);
}
