using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class WebhooksAndReconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "claimed_at",
                table: "stripe_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reconcile_lease_until",
                table: "payment_records",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_records_unsettled_updated_at",
                table: "payment_records",
                column: "updated_at",
                filter: "status IN ('Pending', 'Processing', 'RequiresAction')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payment_records_unsettled_updated_at",
                table: "payment_records");

            migrationBuilder.DropColumn(
                name: "claimed_at",
                table: "stripe_events");

            migrationBuilder.DropColumn(
                name: "reconcile_lease_until",
                table: "payment_records");
        }
    }
}
