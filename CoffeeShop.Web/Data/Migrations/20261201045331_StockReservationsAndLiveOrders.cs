using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StockReservationsAndLiveOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payment_records_unsettled_updated_at",
                table: "payment_records");

            migrationBuilder.AddColumn<int>(
                name: "reserved",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "attention_resolution",
                table: "payment_records",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_resolved_at",
                table: "payment_records",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "attention_resolved_by",
                table: "payment_records",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_check_at",
                table: "payment_records",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "reconcile_visits",
                table: "payment_records",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "stock_reservation",
                table: "payment_records",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "None");

            // PostgreSQL cannot turn a column into a generated one: drop it and add it back computed (same values).
            migrationBuilder.DropIndex(name: "ix_payment_records_idempotency_key", table: "payment_records");
            migrationBuilder.DropColumn(name: "idempotency_key", table: "payment_records");
            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "payment_records",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                computedColumnSql: "'order-' || order_id::text || '-attempt-' || attempt::text",
                stored: true);
            migrationBuilder.CreateIndex(name: "ix_payment_records_idempotency_key", table: "payment_records", column: "idempotency_key", unique: true);

            // Records already waiting are due at once; carts with more than one order awaiting payment keep their newest.
            migrationBuilder.Sql("UPDATE payment_records SET next_check_at = updated_at WHERE status IN ('Pending', 'Processing', 'RequiresAction')");
            migrationBuilder.Sql("""
                UPDATE orders SET status = 'Abandoned'
                WHERE status = 'AwaitingPayment'
                  AND id NOT IN (SELECT max(id) FROM orders WHERE status = 'AwaitingPayment' GROUP BY cart_id)
                """);

            migrationBuilder.AddCheckConstraint(
                name: "ck_products_reserved_within_stock",
                table: "products",
                sql: "reserved >= 0 AND reserved <= stock");

            migrationBuilder.CreateIndex(
                name: "ix_payment_records_unsettled_next_check_at",
                table: "payment_records",
                column: "next_check_at",
                filter: "status IN ('Pending', 'Processing', 'RequiresAction')");

            migrationBuilder.CreateIndex(
                name: "ux_payment_records_one_holding_attempt",
                table: "payment_records",
                column: "order_id",
                unique: true,
                filter: "stock_reservation = 'Held'");

            migrationBuilder.CreateIndex(
                name: "ux_orders_one_live_order_per_cart",
                table: "orders",
                column: "cart_id",
                unique: true,
                filter: "status = 'AwaitingPayment'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_products_reserved_within_stock",
                table: "products");

            migrationBuilder.DropIndex(
                name: "ix_payment_records_unsettled_next_check_at",
                table: "payment_records");

            migrationBuilder.DropIndex(
                name: "ux_payment_records_one_holding_attempt",
                table: "payment_records");

            migrationBuilder.DropIndex(
                name: "ux_orders_one_live_order_per_cart",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "reserved",
                table: "products");

            migrationBuilder.DropColumn(
                name: "attention_resolution",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "attention_resolved_at",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "attention_resolved_by",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "next_check_at",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "reconcile_visits",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "stock_reservation",
                table: "payment_records");

            migrationBuilder.DropIndex(name: "ix_payment_records_idempotency_key", table: "payment_records");
            migrationBuilder.RenameColumn(name: "idempotency_key", table: "payment_records", newName: "idempotency_key_generated");
            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "payment_records",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");
            migrationBuilder.Sql("UPDATE payment_records SET idempotency_key = idempotency_key_generated");
            migrationBuilder.DropColumn(name: "idempotency_key_generated", table: "payment_records");
            migrationBuilder.CreateIndex(name: "ix_payment_records_idempotency_key", table: "payment_records", column: "idempotency_key", unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_records_unsettled_updated_at",
                table: "payment_records",
                column: "updated_at",
                filter: "status IN ('Pending', 'Processing', 'RequiresAction')");
        }
    }
}
