using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CartRounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "cart_round",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "round",
                table: "carts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Orders from before rounds: each cart's paid orders take rounds 0, 1, … in the order they were
            // created, its live order the round after them, and the cart the round its next order would take.
            migrationBuilder.Sql("""
                UPDATE orders SET cart_round = numbered.round
                FROM (SELECT id, (row_number() OVER (PARTITION BY cart_id ORDER BY status = 'AwaitingPayment', created_at, id) - 1)::int AS round
                      FROM orders WHERE status <> 'Abandoned') AS numbered
                WHERE orders.id = numbered.id;
                UPDATE carts SET round = paid.count
                FROM (SELECT cart_id, count(*)::int AS count FROM orders WHERE status = 'Paid' GROUP BY cart_id) AS paid
                WHERE carts.id = paid.cart_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ux_orders_one_order_per_cart_round",
                table: "orders",
                columns: new[] { "cart_id", "cart_round" },
                unique: true,
                filter: "status <> 'Abandoned'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_orders_one_order_per_cart_round",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "cart_round",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "round",
                table: "carts");
        }
    }
}
