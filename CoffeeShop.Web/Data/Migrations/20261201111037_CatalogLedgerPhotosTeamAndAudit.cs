using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogLedgerPhotosTeamAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "photo_hash",
                table: "products",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "admin_invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    invited_by_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    invited_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_invitations", x => x.id);
                    table.CheckConstraint("ck_admin_invitations_expiry", "expires_at > created_at");
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "text", nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    before = table.Column<string>(type: "jsonb", nullable: true),
                    after = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "product_former_slugs",
                columns: table => new
                {
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    retired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_former_slugs", x => x.slug);
                    table.CheckConstraint("ck_product_former_slugs_format", "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'");
                    table.ForeignKey(
                        name: "fk_product_former_slugs_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "product_photos",
                columns: table => new
                {
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    width = table.Column<int>(type: "integer", nullable: false),
                    height = table.Column<int>(type: "integer", nullable: false),
                    widths = table.Column<int[]>(type: "integer[]", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_photos", x => x.hash);
                    table.CheckConstraint("ck_product_photos_size", "width > 0 AND height > 0");
                });

            migrationBuilder.CreateTable(
                name: "stock_movements",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    on_hand_delta = table.Column<int>(type: "integer", nullable: false),
                    reserved_delta = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    order_id = table.Column<long>(type: "bigint", nullable: true),
                    actor_id = table.Column<string>(type: "text", nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_movements", x => x.id);
                    table.CheckConstraint("ck_stock_movements_reason", "reason IN ('Received', 'Damaged', 'Correction', 'Reservation', 'ReservationRelease', 'Sale', 'Return')");
                    table.CheckConstraint("ck_stock_movements_shape", "CASE reason\n    WHEN 'Received' THEN on_hand_delta > 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL\n    WHEN 'Damaged' THEN on_hand_delta < 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL\n    WHEN 'Correction' THEN on_hand_delta <> 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL\n    WHEN 'Reservation' THEN on_hand_delta = 0 AND reserved_delta > 0 AND order_id IS NOT NULL\n    WHEN 'ReservationRelease' THEN on_hand_delta = 0 AND reserved_delta < 0 AND order_id IS NOT NULL\n    WHEN 'Sale' THEN on_hand_delta < 0 AND reserved_delta IN (0, on_hand_delta) AND order_id IS NOT NULL\n    WHEN 'Return' THEN on_hand_delta > 0 AND reserved_delta = 0 AND order_id IS NOT NULL\nEND");
                    table.ForeignKey(
                        name: "fk_stock_movements_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_stock_movements_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "product_photo_renditions",
                columns: table => new
                {
                    photo_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    width = table.Column<int>(type: "integer", nullable: false),
                    format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_photo_renditions", x => new { x.photo_hash, x.width, x.format });
                    table.CheckConstraint("ck_product_photo_renditions_format", "format IN ('webp', 'jpeg')");
                    table.ForeignKey(
                        name: "fk_product_photo_renditions_product_photos_photo_hash",
                        column: x => x.photo_hash,
                        principalTable: "product_photos",
                        principalColumn: "hash",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_products_photo_hash",
                table: "products",
                column: "photo_hash");

            migrationBuilder.AddCheckConstraint(
                name: "ck_products_slug_format",
                table: "products",
                sql: "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'");

            migrationBuilder.CreateIndex(
                name: "ix_admin_invitations_expires_at",
                table: "admin_invitations",
                column: "expires_at",
                filter: "accepted_at IS NULL AND revoked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_admin_invitations_token_hash",
                table: "admin_invitations",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_action_occurred_at_id",
                table: "audit_log",
                columns: new[] { "action", "occurred_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_actor_id_action_occurred_at",
                table: "audit_log",
                columns: new[] { "actor_id", "action", "occurred_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_occurred_at_id",
                table: "audit_log",
                columns: new[] { "occurred_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_product_former_slugs_product_id",
                table: "product_former_slugs",
                column: "product_id");

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_order_id",
                table: "stock_movements",
                column: "order_id",
                filter: "order_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_product_id_id",
                table: "stock_movements",
                columns: new[] { "product_id", "id" },
                descending: new[] { false, true });

            migrationBuilder.AddForeignKey(
                name: "fk_products_product_photos_photo_hash",
                table: "products",
                column: "photo_hash",
                principalTable: "product_photos",
                principalColumn: "hash",
                onDelete: ReferentialAction.SetNull);

            // The ledger opens with what is on the shelves and what running attempts hold, before the
            // trigger that applies movements exists (the figures are already in the products).
            migrationBuilder.Sql("""
                INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, actor, note, created_at)
                SELECT id, stock, 0, 'Correction', 'shop', 'Opening balance of the stock ledger', now() FROM products WHERE stock <> 0;
                INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, order_id, created_at)
                SELECT order_lines.product_id, 0, sum(order_lines.quantity)::int, 'Reservation', order_lines.order_id, now()
                FROM payment_records JOIN order_lines ON order_lines.order_id = payment_records.order_id
                WHERE payment_records.stock_reservation = 'Held'
                GROUP BY order_lines.order_id, order_lines.product_id;
                """);

            // On hand and reserved are the sums of the ledger: a movement is applied to its product in
            // the statement that inserts it (so a shortage fails that statement), and nothing else may
            // change those figures. pg_trigger_depth() is 2 only inside the apply trigger's own update.
            migrationBuilder.Sql("""
                CREATE FUNCTION stock_movements_apply() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE products SET stock = stock + NEW.on_hand_delta, reserved = reserved + NEW.reserved_delta
                    WHERE id = NEW.product_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
                    FOR EACH ROW EXECUTE FUNCTION stock_movements_apply();

                CREATE FUNCTION products_stock_from_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' AND (NEW.stock <> 0 OR NEW.reserved <> 0) THEN
                        RAISE EXCEPTION 'a new product starts with no bags: stock comes from stock_movements'
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_stock_from_ledger';
                    ELSIF TG_OP = 'UPDATE' AND pg_trigger_depth() < 2 AND (NEW.stock <> OLD.stock OR NEW.reserved <> OLD.reserved) THEN
                        RAISE EXCEPTION 'stock and reserved change only through stock_movements'
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_stock_from_ledger';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER products_stock_from_ledger BEFORE INSERT OR UPDATE OF stock, reserved ON products
                    FOR EACH ROW EXECUTE FUNCTION products_stock_from_ledger();
                """);

            // The ledger and the audit log are appended to, never changed.
            migrationBuilder.Sql("""
                CREATE FUNCTION refuse_rewriting_history() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
                    FOR EACH ROW EXECUTE FUNCTION refuse_rewriting_history();
                CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting_history();
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION refuse_rewriting_history();
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting_history();
                """);

            // A slug names one product, now or formerly: renaming keeps the old slug as a redirect, taking
            // back one's own former slug ends that redirect, and no product takes another's (current or
            // former). The advisory lock serialises slug changes, so two admins cannot race past the check.
            migrationBuilder.Sql("""
                CREATE FUNCTION product_slugs_stay_unique() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtext('product_slugs'));
                    IF TG_TABLE_NAME = 'products' THEN
                        IF EXISTS (SELECT 1 FROM product_former_slugs WHERE slug = NEW.slug AND product_id <> NEW.id) THEN
                            RAISE EXCEPTION 'slug % was another product''s', NEW.slug
                                USING ERRCODE = 'unique_violation', CONSTRAINT = 'ux_product_slugs';
                        END IF;
                        IF TG_OP = 'UPDATE' AND NEW.slug <> OLD.slug THEN
                            DELETE FROM product_former_slugs WHERE slug = NEW.slug AND product_id = NEW.id;
                            INSERT INTO product_former_slugs (slug, product_id, retired_at) VALUES (OLD.slug, OLD.id, now())
                                ON CONFLICT (slug) DO NOTHING;
                        END IF;
                    ELSIF EXISTS (SELECT 1 FROM products WHERE slug = NEW.slug AND id <> NEW.product_id) THEN
                        RAISE EXCEPTION 'slug % is another product''s', NEW.slug
                            USING ERRCODE = 'unique_violation', CONSTRAINT = 'ux_product_slugs';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER product_slugs_stay_unique BEFORE INSERT OR UPDATE OF slug ON products
                    FOR EACH ROW EXECUTE FUNCTION product_slugs_stay_unique();
                CREATE TRIGGER product_former_slugs_stay_unique BEFORE INSERT OR UPDATE ON product_former_slugs
                    FOR EACH ROW EXECUTE FUNCTION product_slugs_stay_unique();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER product_slugs_stay_unique ON products;
                DROP TRIGGER products_stock_from_ledger ON products;
                DROP TRIGGER product_former_slugs_stay_unique ON product_former_slugs;
                DROP TRIGGER stock_movements_apply ON stock_movements;
                DROP TRIGGER stock_movements_append_only ON stock_movements;
                DROP TRIGGER stock_movements_no_truncate ON stock_movements;
                DROP TRIGGER audit_log_append_only ON audit_log;
                DROP TRIGGER audit_log_no_truncate ON audit_log;
                DROP FUNCTION product_slugs_stay_unique(), products_stock_from_ledger(), stock_movements_apply(), refuse_rewriting_history();
                """);
            migrationBuilder.DropForeignKey(
                name: "fk_products_product_photos_photo_hash",
                table: "products");

            migrationBuilder.DropTable(
                name: "admin_invitations");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "product_former_slugs");

            migrationBuilder.DropTable(
                name: "product_photo_renditions");

            migrationBuilder.DropTable(
                name: "stock_movements");

            migrationBuilder.DropTable(
                name: "product_photos");

            migrationBuilder.DropIndex(
                name: "ix_products_photo_hash",
                table: "products");

            migrationBuilder.DropCheckConstraint(
                name: "ck_products_slug_format",
                table: "products");

            migrationBuilder.DropColumn(
                name: "photo_hash",
                table: "products");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "products");
        }
    }
}
