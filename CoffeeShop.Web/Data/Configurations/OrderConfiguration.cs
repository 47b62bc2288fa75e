using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders", t =>
        {
            t.HasCheckConstraint("ck_orders_total_positive", "total_minor > 0");
            t.HasCheckConstraint("ck_orders_total_is_lines_plus_shipping", "shipping_minor >= 0 AND subtotal_minor > 0 AND total_minor = subtotal_minor + shipping_minor");
            // A paid order, and only a paid one, has a fulfilment status; only a paid one has an invoice number. Every
            // paid one has its number by its commit: the deferred trigger orders_take_invoice_number gives it (ADR 0025).
            t.HasCheckConstraint("ck_orders_paid_has_fulfilment_invoice_only_when_paid", "(status = 'Paid') = (fulfilment IS NOT NULL) AND (invoice_number IS NULL OR status = 'Paid')");
            // A parcel that left names its carrier and tracking number.
            t.HasCheckConstraint("ck_orders_shipped_has_tracking",
                "fulfilment IS NULL OR fulfilment NOT IN ('Shipped', 'Delivered') OR (carrier IS NOT NULL AND tracking_number IS NOT NULL AND shipped_at IS NOT NULL)");
        });
        builder.HasIndex(o => o.PublicId).IsUnique();
        builder.HasIndex(o => o.CheckoutId).IsUnique();
        builder.HasIndex(o => new { o.CartId, o.Status });
        // One live order per cart: however many checkout forms a cart has, only one order can await payment.
        builder.HasIndex(o => o.CartId).IsUnique().HasFilter("status = 'AwaitingPayment'").HasDatabaseName("ux_orders_one_live_order_per_cart");
        // One order per round of a cart, abandoned ones aside: paying moves the cart to its next round, so a form
        // read before another tab's payment committed collides with the paid order instead of charging again.
        builder.HasIndex(o => new { o.CartId, o.CartRound }).IsUnique().HasFilter("status <> 'Abandoned'").HasDatabaseName("ux_orders_one_order_per_cart_round");
        builder.HasIndex(o => o.InvoiceNumber).IsUnique();
        // Given by the trigger orders_take_invoice_number as the transaction that made the order Paid commits; never written.
        builder.Property(o => o.InvoiceNumber).ValueGeneratedOnAddOrUpdate();
        // The orders desk: every paid order newest first, and each fulfilment filter, keyset-paged on (paid_at, id).
        builder.HasIndex(o => new { o.PaidAt, o.Id }).IsDescending(true, true).HasFilter("fulfilment IS NOT NULL").HasDatabaseName("ix_orders_desk_paid_at");
        builder.HasIndex(o => new { o.Fulfilment, o.PaidAt, o.Id }).HasFilter("fulfilment IS NOT NULL").HasDatabaseName("ix_orders_desk_fulfilment_paid_at");
        // Desk search: emails are stored lower-case and postal codes upper-case, so exact matches use plain indexes.
        builder.HasIndex(o => o.Email);
        builder.HasIndex(o => o.ShipPostalCode);
        builder.Property(o => o.PublicId).HasMaxLength(32);
        builder.Property(o => o.ShipName).HasMaxLength(ShippingAddress.NameMaxLength);
        builder.Property(o => o.ShipLine1).HasMaxLength(ShippingAddress.LineMaxLength);
        builder.Property(o => o.ShipLine2).HasMaxLength(ShippingAddress.LineMaxLength);
        builder.Property(o => o.ShipPostalCode).HasMaxLength(ShippingAddress.PostalCodeMaxLength);
        builder.Property(o => o.ShipCity).HasMaxLength(ShippingAddress.CityMaxLength);
        builder.Property(o => o.ShipCountry).HasMaxLength(2).IsFixedLength();
        builder.Property(o => o.ShipPhone).HasMaxLength(ShippingAddress.PhoneMaxLength);
        builder.Property(o => o.Fulfilment).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Carrier).HasMaxLength(40);
        builder.Property(o => o.TrackingNumber).HasMaxLength(40);
        builder.Property(o => o.TrackingUrl).HasMaxLength(300);
        builder.Property(o => o.CartFingerprint).HasMaxLength(64);
        builder.Property(o => o.Email).HasMaxLength(254);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(o => o.Total);
        builder.Ignore(o => o.Subtotal);
        builder.Ignore(o => o.Shipping);
        builder.Ignore(o => o.ShipTo);
        builder.Ignore(o => o.InvoiceReference);
        builder.Ignore(o => o.Reference);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines", t =>
        {
            t.HasCheckConstraint("ck_order_lines_total", "quantity > 0 AND unit_price_minor > 0 AND line_total_minor = unit_price_minor * quantity");
            t.HasCheckConstraint("ck_order_lines_vat_rate", "vat_rate_basis_points BETWEEN 0 AND 9999");
        });
        builder.Property(l => l.ProductName).HasMaxLength(120);
        builder.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderEventConfiguration : IEntityTypeConfiguration<OrderEvent>
{
    public void Configure(EntityTypeBuilder<OrderEvent> builder)
    {
        builder.ToTable("order_events");
        builder.HasOne<Order>().WithMany().HasForeignKey(e => e.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.OrderId, e.At });
        builder.Property(e => e.Actor).HasMaxLength(254);
        builder.Property(e => e.FromStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ToStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Note).HasMaxLength(500);
    }
}
