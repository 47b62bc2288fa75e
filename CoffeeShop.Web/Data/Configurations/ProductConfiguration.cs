using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products", t =>
        {
            t.HasCheckConstraint("ck_products_price_positive", "price_minor > 0");
            t.HasCheckConstraint("ck_products_stock_not_negative", "stock >= 0");
            // A reservation beyond what is on hand fails the whole statement that tries it: no oversold bag.
            t.HasCheckConstraint("ck_products_reserved_within_stock", "reserved >= 0 AND reserved <= stock");
            // Lower-case ASCII words: no slashes, no Unicode look-alikes of another product's address.
            t.HasCheckConstraint("ck_products_slug_format", $"slug ~ '{Product.SlugPattern}'");
        });
        builder.HasIndex(p => p.Slug).IsUnique();
        builder.Property(p => p.Slug).HasMaxLength(80);
        builder.Property(p => p.Name).HasMaxLength(120);
        builder.Property(p => p.Origin).HasMaxLength(120);
        builder.Property(p => p.Roast).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.TastingNotes).HasMaxLength(200);
        builder.Property(p => p.Description).HasMaxLength(2000);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        // The stock ledger keeps these (StockMovement); EF reads them and never writes them back.
        builder.Property(p => p.Stock).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(p => p.Reserved).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.Property(p => p.PhotoHash).HasMaxLength(64);
        builder.HasOne<ProductPhoto>().WithMany().HasForeignKey(p => p.PhotoHash).OnDelete(DeleteBehavior.SetNull);
        builder.Ignore(p => p.Price);
        builder.Ignore(p => p.InStock);
        builder.Ignore(p => p.Available);
    }
}
