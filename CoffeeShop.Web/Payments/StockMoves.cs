using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// What happens to an order's bags as its payment settles, inside the caller's transaction (the record
/// and order rows already locked). Each move is a set of stock movements naming the order; the
/// database applies them to the products (on hand and reserved are the ledger's sums) and refuses
/// more held than on hand, or any figure below zero, failing the statement that tried.
/// </summary>
internal static class StockMoves
{
    /// <summary>Makes the move; answers the movements it wrote (one per product of the order).</summary>
    public static Task<int> ApplyAsync(AppDbContext db, Order order, StockMove move, CancellationToken cancellationToken) => move switch
    {
        StockMove.Hold => HoldAsync(db, order.Id, cancellationToken),
        StockMove.Release => MoveAsync(db, order.Id, onHand: 0, reserved: -1, StockMovementReason.ReservationRelease, cancellationToken),
        StockMove.SellHeld => SellAsync(db, order, held: true, cancellationToken),
        StockMove.SellAvailable => SellAsync(db, order, held: false, cancellationToken),
        StockMove.Return => MoveAsync(db, order.Id, onHand: 1, reserved: 0, StockMovementReason.Return, cancellationToken),
        _ => Task.FromResult(0),
    };

    /// <summary>An inactive product's reservation is made larger than its stock, so the check refuses it: it counts as sold out.</summary>
    private static Task<int> HoldAsync(AppDbContext db, long orderId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, order_id)
            SELECT line.product_id, 0, CASE WHEN products.is_active THEN line.quantity ELSE products.stock + 1 END,
                {nameof(StockMovementReason.Reservation)}, {orderId}
            FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {orderId} GROUP BY product_id) AS line
            JOIN products ON products.id = line.product_id
            ORDER BY line.product_id
            """, cancellationToken);

    /// <summary>One movement per product of the order: its quantity times <paramref name="onHand"/> and <paramref name="reserved"/>.</summary>
    private static Task<int> MoveAsync(AppDbContext db, long orderId, int onHand, int reserved, StockMovementReason reason, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, order_id)
            SELECT product_id, {onHand} * sum(quantity)::int, {reserved} * sum(quantity)::int, {reason.ToString()}, {orderId}
            FROM order_lines WHERE order_id = {orderId}
            GROUP BY product_id
            ORDER BY product_id
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
    /// added after the checkout form was rendered: each paid line takes away its own quantity, no more, and
    /// the cart moves to its next <see cref="Domain.Cart.Round"/>.
    /// One statement; its parts touch different rows.
    /// </summary>
    private static Task<int> SellAsync(AppDbContext db, Order order, bool held, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            WITH line AS (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines WHERE order_id = {order.Id} GROUP BY product_id),
            sold AS (
                INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, order_id)
                SELECT product_id, -quantity, CASE WHEN {held} THEN -quantity ELSE 0 END, {nameof(StockMovementReason.Sale)}, {order.Id}
                FROM line ORDER BY product_id),
            next_round AS (
                -- The cart's next checkout is a new round: a form read before this sale collides with this order.
                UPDATE carts SET round = round + 1 WHERE id = {order.CartId}),
            emptied AS (
                DELETE FROM cart_items USING line
                WHERE cart_items.cart_id = {order.CartId} AND cart_items.product_id = line.product_id AND cart_items.quantity <= line.quantity)
            UPDATE cart_items SET quantity = cart_items.quantity - line.quantity
            FROM line
            WHERE cart_items.cart_id = {order.CartId} AND cart_items.product_id = line.product_id AND cart_items.quantity > line.quantity
            """, cancellationToken);
}
