using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders", t => t.HasCheckConstraint("ck_orders_total_positive", "total_minor > 0"));
        builder.HasIndex(o => o.PublicId).IsUnique();
        builder.HasIndex(o => o.CheckoutId).IsUnique();
        builder.HasIndex(o => new { o.CartId, o.Status });
        // One live order per cart: however many checkout forms a cart has, only one order can await payment.
        builder.HasIndex(o => o.CartId).IsUnique().HasFilter("status = 'AwaitingPayment'").HasDatabaseName("ux_orders_one_live_order_per_cart");
        builder.Property(o => o.PublicId).HasMaxLength(32);
        builder.Property(o => o.CartFingerprint).HasMaxLength(64);
        builder.Property(o => o.Email).HasMaxLength(254);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(o => o.Total);
        builder.Ignore(o => o.Reference);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines");
        builder.Property(l => l.ProductName).HasMaxLength(120);
        builder.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
