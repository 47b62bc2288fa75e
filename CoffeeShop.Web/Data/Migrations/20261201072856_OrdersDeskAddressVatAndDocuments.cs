using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrdersDeskAddressVatAndDocuments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "credit_note_number",
                table: "refunds",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "canceled_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "carrier",
                table: "orders",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delivered_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "fulfilment",
                table: "orders",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "invoice_number",
                table: "orders",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "packed_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_city",
                table: "orders",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_country",
                table: "orders",
                type: "character(2)",
                fixedLength: true,
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_line1",
                table: "orders",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_line2",
                table: "orders",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_name",
                table: "orders",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_phone",
                table: "orders",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ship_postal_code",
                table: "orders",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "shipped_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "shipping_minor",
                table: "orders",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "shipping_vat_rate_basis_points",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "subtotal_minor",
                table: "orders",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "tracking_number",
                table: "orders",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tracking_url",
                table: "orders",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "vat_rate_basis_points",
                table: "order_lines",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "document_sequences",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    last_number = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_sequences", x => x.name);
                    table.CheckConstraint("ck_document_sequences_last_number", "last_number >= 0");
                });

            migrationBuilder.CreateTable(
                name: "order_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    from_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    to_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_events_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "document_sequences",
                columns: new[] { "name", "last_number" },
                values: new object[,]
                {
                    { "credit_note", 0L },
                    { "invoice", 0L }
                });

            // Orders from before this migration: their total was all goods, priced at the shop's 7 % VAT; paid ones
            // get invoice numbers in the order they were paid, succeeded refunds credit-note numbers, and the
            // sequences continue after them.
            migrationBuilder.Sql("""
                UPDATE orders SET subtotal_minor = total_minor, shipping_vat_rate_basis_points = 700;
                UPDATE order_lines SET vat_rate_basis_points = 700;
                WITH numbered AS (SELECT id, row_number() OVER (ORDER BY paid_at, id) AS n FROM orders WHERE status = 'Paid')
                UPDATE orders SET invoice_number = numbered.n, fulfilment = 'ToPack' FROM numbered WHERE orders.id = numbered.id;
                UPDATE document_sequences SET last_number = (SELECT count(*) FROM orders WHERE status = 'Paid') WHERE name = 'invoice';
                WITH numbered AS (SELECT refunds.id, row_number() OVER (ORDER BY refunds.created_at, refunds.id) AS n FROM refunds
                    JOIN payment_records ON payment_records.id = refunds.payment_record_id
                    WHERE refunds.status = 'succeeded' AND payment_records.stock_reservation IN ('Sold', 'Returned'))
                UPDATE refunds SET credit_note_number = numbered.n FROM numbered WHERE refunds.id = numbered.id;
                UPDATE document_sequences SET last_number = (SELECT count(*) FROM refunds WHERE credit_note_number IS NOT NULL) WHERE name = 'credit_note';
                """);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_credit_note_number",
                table: "refunds",
                column: "credit_note_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_desk_fulfilment_paid_at",
                table: "orders",
                columns: new[] { "fulfilment", "paid_at", "id" },
                filter: "fulfilment IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_orders_desk_paid_at",
                table: "orders",
                columns: new[] { "paid_at", "id" },
                descending: new bool[0],
                filter: "fulfilment IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_orders_email",
                table: "orders",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_orders_invoice_number",
                table: "orders",
                column: "invoice_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_ship_postal_code",
                table: "orders",
                column: "ship_postal_code");

            migrationBuilder.AddCheckConstraint(
                name: "ck_orders_paid_has_invoice_and_fulfilment",
                table: "orders",
                sql: "(status = 'Paid') = (invoice_number IS NOT NULL) AND (status = 'Paid') = (fulfilment IS NOT NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_orders_shipped_has_tracking",
                table: "orders",
                sql: "fulfilment IS NULL OR fulfilment NOT IN ('Shipped', 'Delivered') OR (carrier IS NOT NULL AND tracking_number IS NOT NULL AND shipped_at IS NOT NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_orders_total_is_lines_plus_shipping",
                table: "orders",
                sql: "shipping_minor >= 0 AND subtotal_minor > 0 AND total_minor = subtotal_minor + shipping_minor");

            migrationBuilder.AddCheckConstraint(
                name: "ck_order_lines_total",
                table: "order_lines",
                sql: "quantity > 0 AND unit_price_minor > 0 AND line_total_minor = unit_price_minor * quantity");

            migrationBuilder.AddCheckConstraint(
                name: "ck_order_lines_vat_rate",
                table: "order_lines",
                sql: "vat_rate_basis_points BETWEEN 0 AND 9999");

            migrationBuilder.CreateIndex(
                name: "ix_order_events_order_id_at",
                table: "order_events",
                columns: new[] { "order_id", "at" });

            // The orders desk shows a count per fulfilment status; at a million orders counting them per
            // request would cost more than the page, so a trigger keeps them (ADR 0014).
            migrationBuilder.Sql("""
                CREATE TABLE order_fulfilment_counts (
                    fulfilment varchar(16) PRIMARY KEY,
                    orders bigint NOT NULL CONSTRAINT ck_order_fulfilment_counts_orders CHECK (orders >= 0));
                INSERT INTO order_fulfilment_counts (fulfilment, orders)
                SELECT s.fulfilment, (SELECT count(*) FROM orders WHERE orders.fulfilment = s.fulfilment)
                FROM unnest(ARRAY['ToPack', 'Packed', 'Shipped', 'Delivered', 'Canceled']) AS s(fulfilment);

                CREATE FUNCTION orders_count_fulfilment() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD.fulfilment IS NOT NULL
                       AND (TG_OP = 'DELETE' OR NEW.fulfilment IS DISTINCT FROM OLD.fulfilment) THEN
                        UPDATE order_fulfilment_counts SET orders = orders - 1 WHERE fulfilment = OLD.fulfilment;
                    END IF;
                    IF TG_OP <> 'DELETE' AND NEW.fulfilment IS NOT NULL
                       AND (TG_OP = 'INSERT' OR NEW.fulfilment IS DISTINCT FROM OLD.fulfilment) THEN
                        UPDATE order_fulfilment_counts SET orders = orders + 1 WHERE fulfilment = NEW.fulfilment;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER orders_count_fulfilment AFTER INSERT OR DELETE OR UPDATE OF fulfilment ON orders
                    FOR EACH ROW EXECUTE FUNCTION orders_count_fulfilment();

                -- Gap-free document numbers (ADR 0013): taken from document_sequences in the transaction that
                -- makes the document, so a rollback gives the number back and concurrent ones queue on the row.
                CREATE FUNCTION orders_take_invoice_number() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.status = 'Paid' AND NEW.invoice_number IS NULL THEN
                        UPDATE document_sequences SET last_number = last_number + 1 WHERE name = 'invoice'
                            RETURNING last_number INTO NEW.invoice_number;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER orders_take_invoice_number BEFORE INSERT OR UPDATE OF status ON orders
                    FOR EACH ROW EXECUTE FUNCTION orders_take_invoice_number();

                CREATE FUNCTION refunds_take_credit_note_number() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- Only money back on the payment that paid the order (its bags sold) is credited against the
                    -- invoice; a refunded duplicate payment was never invoiced, so it gets no credit note.
                    IF NEW.status = 'succeeded' AND NEW.credit_note_number IS NULL
                       AND EXISTS (SELECT 1 FROM payment_records WHERE payment_records.id = NEW.payment_record_id
                                   AND payment_records.stock_reservation IN ('Sold', 'Returned')) THEN
                        UPDATE document_sequences SET last_number = last_number + 1 WHERE name = 'credit_note'
                            RETURNING last_number INTO NEW.credit_note_number;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refunds_take_credit_note_number BEFORE INSERT OR UPDATE OF status ON refunds
                    FOR EACH ROW EXECUTE FUNCTION refunds_take_credit_note_number();

                -- Desk search by name: a case-insensitive prefix match.
                CREATE INDEX ix_orders_ship_name_prefix ON orders (lower(ship_name) text_pattern_ops) WHERE ship_name IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_orders_ship_name_prefix;
                DROP TRIGGER refunds_take_credit_note_number ON refunds;
                DROP FUNCTION refunds_take_credit_note_number();
                DROP TRIGGER orders_take_invoice_number ON orders;
                DROP FUNCTION orders_take_invoice_number();
                DROP TRIGGER orders_count_fulfilment ON orders;
                DROP FUNCTION orders_count_fulfilment();
                DROP TABLE order_fulfilment_counts;
                """);

            migrationBuilder.DropTable(
                name: "document_sequences");

            migrationBuilder.DropTable(
                name: "order_events");

            migrationBuilder.DropIndex(
                name: "ix_refunds_credit_note_number",
                table: "refunds");

            migrationBuilder.DropIndex(
                name: "ix_orders_desk_fulfilment_paid_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_desk_paid_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_email",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_invoice_number",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_ship_postal_code",
                table: "orders");

            migrationBuilder.DropCheckConstraint(
                name: "ck_orders_paid_has_invoice_and_fulfilment",
                table: "orders");

            migrationBuilder.DropCheckConstraint(
                name: "ck_orders_shipped_has_tracking",
                table: "orders");

            migrationBuilder.DropCheckConstraint(
                name: "ck_orders_total_is_lines_plus_shipping",
                table: "orders");

            migrationBuilder.DropCheckConstraint(
                name: "ck_order_lines_total",
                table: "order_lines");

            migrationBuilder.DropCheckConstraint(
                name: "ck_order_lines_vat_rate",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "credit_note_number",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "canceled_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "carrier",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "delivered_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "fulfilment",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "invoice_number",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "packed_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_city",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_country",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_line1",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_line2",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_name",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_phone",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ship_postal_code",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "shipped_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "shipping_minor",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "shipping_vat_rate_basis_points",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "subtotal_minor",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "tracking_number",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "tracking_url",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "vat_rate_basis_points",
                table: "order_lines");
        }
    }
}
