using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CoffeeShop.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class HotRowsTakenAtCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_orders_paid_has_invoice_and_fulfilment",
                table: "orders");

            migrationBuilder.AddCheckConstraint(
                name: "ck_orders_paid_has_fulfilment_invoice_only_when_paid",
                table: "orders",
                sql: "(status = 'Paid') = (fulfilment IS NOT NULL) AND (invoice_number IS NULL OR status = 'Paid')");

            migrationBuilder.Sql("""
                -- A paid order takes its invoice number as its transaction commits, not when its status changes:
                -- the one document_sequences row every payment needs is then locked for the commit alone,
                -- not for the rest of the payment's work (ADR 0025). Still in the transaction, so a
                -- rollback gives the number back and the numbers stay gap-free (ADR 0013).
                DROP TRIGGER orders_take_invoice_number ON orders;
                CREATE OR REPLACE FUNCTION orders_take_invoice_number() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    taken bigint;
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD.invoice_number IS NOT NULL THEN
                        RAISE EXCEPTION 'order % keeps its invoice number %: an invoice is never taken back', OLD.id, OLD.invoice_number
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_take_invoice_number';
                    END IF;
                    -- The row as it is now, at the commit (the event's NEW is the row when it was queued).
                    PERFORM 1 FROM orders WHERE id = NEW.id AND status = 'Paid' AND invoice_number IS NULL;
                    IF FOUND THEN
                        UPDATE document_sequences SET last_number = last_number + 1 WHERE name = 'invoice'
                            RETURNING last_number INTO taken;
                        UPDATE orders SET invoice_number = taken WHERE id = NEW.id;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER orders_take_invoice_number AFTER INSERT OR UPDATE OF status, invoice_number ON orders
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                    WHEN (NEW.status = 'Paid' AND NEW.invoice_number IS NULL)
                    EXECUTE FUNCTION orders_take_invoice_number();

                -- The orders desk's counts, shared by every order: counted at the commit too.
                DROP TRIGGER orders_count_fulfilment ON orders;
                CREATE CONSTRAINT TRIGGER orders_count_fulfilment AFTER INSERT OR DELETE OR UPDATE OF fulfilment ON orders
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                    EXECUTE FUNCTION orders_count_fulfilment();

                -- A sale moves bags the payment already holds (or locked as it found them available), so it
                -- cannot fail for want of stock and may reach the product's row at the commit; every other
                -- movement (a reservation above all, which must fail at once when the bags are gone) stays immediate.
                DROP TRIGGER stock_movements_apply ON stock_movements;
                CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
                    FOR EACH ROW WHEN (NEW.reason <> 'Sale')
                    EXECUTE FUNCTION stock_movements_apply();
                CREATE CONSTRAINT TRIGGER stock_movements_apply_sale AFTER INSERT ON stock_movements
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.reason = 'Sale')
                    EXECUTE FUNCTION stock_movements_apply();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER stock_movements_apply_sale ON stock_movements;
                DROP TRIGGER stock_movements_apply ON stock_movements;
                CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
                    FOR EACH ROW EXECUTE FUNCTION stock_movements_apply();

                DROP TRIGGER orders_count_fulfilment ON orders;
                CREATE TRIGGER orders_count_fulfilment AFTER INSERT OR DELETE OR UPDATE OF fulfilment ON orders
                    FOR EACH ROW EXECUTE FUNCTION orders_count_fulfilment();

                DROP TRIGGER orders_take_invoice_number ON orders;
                CREATE OR REPLACE FUNCTION orders_take_invoice_number() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.status = 'Paid' AND NEW.invoice_number IS NULL THEN
                        UPDATE document_sequences SET last_number = last_number + 1 WHERE name = 'invoice'
                            RETURNING last_number INTO NEW.invoice_number;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER orders_take_invoice_number BEFORE INSERT OR UPDATE OF status ON orders
                    FOR EACH ROW EXECUTE FUNCTION orders_take_invoice_number();
                """);

            migrationBuilder.DropCheckConstraint(
                name: "ck_orders_paid_has_fulfilment_invoice_only_when_paid",
                table: "orders");

            migrationBuilder.AddCheckConstraint(
                name: "ck_orders_paid_has_invoice_and_fulfilment",
                table: "orders",
                sql: "(status = 'Paid') = (invoice_number IS NOT NULL) AND (status = 'Paid') = (fulfilment IS NOT NULL)");
        }
    }
}
