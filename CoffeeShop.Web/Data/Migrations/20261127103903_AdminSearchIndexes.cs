using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_payment_records_created_at_totals",
                table: "payment_records",
                column: "created_at")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "currency", "amount_minor", "refunded_minor" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_records_customer_email",
                table: "payment_records",
                column: "customer_email");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_payment_records_created_at_totals",
                table: "payment_records");

            migrationBuilder.DropIndex(
                name: "ix_payment_records_customer_email",
                table: "payment_records");
        }
    }
}
