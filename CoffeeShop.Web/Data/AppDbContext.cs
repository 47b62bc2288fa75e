using CoffeeShop.Web.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Data;

/// <summary>
/// The shop's one database context: catalog, carts, Identity and data-protection keys all live in
/// the same PostgreSQL database, so any number of app instances can share it.
/// </summary>
public class AppDbContext : IdentityDbContext, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
        // No code here recovers from a failed statement inside its transaction (a failure ends the
        // transaction), so EF's automatic savepoints would only cost two round trips per save.
        Database.AutoSavepointsEnabled = false;
    }

    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductFormerSlug> ProductFormerSlugs => Set<ProductFormerSlug>();
    public DbSet<ProductPhoto> ProductPhotos => Set<ProductPhoto>();
    public DbSet<ProductPhotoRendition> ProductPhotoRenditions => Set<ProductPhotoRendition>();
    public DbSet<StockMovement> StockMovements => Set<StockMovement>();
    public DbSet<Cart> Carts => Set<Cart>();
    public DbSet<CartItem> CartItems => Set<CartItem>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<OrderEvent> OrderEvents => Set<OrderEvent>();
    public DbSet<DocumentSequence> DocumentSequences => Set<DocumentSequence>();
    public DbSet<PaymentRecord> PaymentRecords => Set<PaymentRecord>();
    public DbSet<PaymentTimelineEntry> PaymentTimeline => Set<PaymentTimelineEntry>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<StripeEventRecord> StripeEvents => Set<StripeEventRecord>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<AdminInvitation> AdminInvitations => Set<AdminInvitation>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
