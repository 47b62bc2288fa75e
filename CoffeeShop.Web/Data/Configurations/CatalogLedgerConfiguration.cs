using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> builder)
    {
        builder.ToTable("stock_movements", t =>
        {
            t.HasCheckConstraint("ck_stock_movements_reason", "reason IN ('Received', 'Damaged', 'Correction', 'Reservation', 'ReservationRelease', 'Sale', 'Return')");
            // Each reason moves the figures its own way; an admin's movement names the admin, a payment's its order.
            t.HasCheckConstraint("ck_stock_movements_shape", """
                CASE reason
                    WHEN 'Received' THEN on_hand_delta > 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL
                    WHEN 'Damaged' THEN on_hand_delta < 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL
                    WHEN 'Correction' THEN on_hand_delta <> 0 AND reserved_delta = 0 AND actor IS NOT NULL AND order_id IS NULL
                    WHEN 'Reservation' THEN on_hand_delta = 0 AND reserved_delta > 0 AND order_id IS NOT NULL
                    WHEN 'ReservationRelease' THEN on_hand_delta = 0 AND reserved_delta < 0 AND order_id IS NOT NULL
                    WHEN 'Sale' THEN on_hand_delta < 0 AND reserved_delta IN (0, on_hand_delta) AND order_id IS NOT NULL
                    WHEN 'Return' THEN on_hand_delta > 0 AND reserved_delta = 0 AND order_id IS NOT NULL
                END
                """);
        });
        builder.Property(m => m.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Actor).HasMaxLength(AuditEntry.ActorMaxLength);
        builder.Property(m => m.Note).HasMaxLength(StockMovement.NoteMaxLength);
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.HasOne<Product>().WithMany().HasForeignKey(m => m.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Order>().WithMany().HasForeignKey(m => m.OrderId).OnDelete(DeleteBehavior.Restrict);
        // A product's history, newest first, on its editor.
        builder.HasIndex(m => new { m.ProductId, m.Id }).IsDescending(false, true);
        builder.HasIndex(m => m.OrderId).HasFilter("order_id IS NOT NULL");
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.Property(a => a.Action).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Actor).HasMaxLength(AuditEntry.ActorMaxLength);
        builder.Property(a => a.Subject).HasMaxLength(AuditEntry.SubjectMaxLength);
        builder.Property(a => a.Before).HasColumnType("jsonb");
        builder.Property(a => a.After).HasColumnType("jsonb");
        // /Admin/Audit: newest first, keyset-paged, all or one action; an admin's last sign-in.
        builder.HasIndex(a => new { a.OccurredAt, a.Id }).IsDescending(true, true);
        builder.HasIndex(a => new { a.Action, a.OccurredAt, a.Id }).IsDescending(false, true, true);
        builder.HasIndex(a => new { a.ActorId, a.Action, a.OccurredAt }).IsDescending(false, false, true);
    }
}

internal sealed class ProductFormerSlugConfiguration : IEntityTypeConfiguration<ProductFormerSlug>
{
    public void Configure(EntityTypeBuilder<ProductFormerSlug> builder)
    {
        builder.ToTable("product_former_slugs", t => t.HasCheckConstraint("ck_product_former_slugs_format", $"slug ~ '{Product.SlugPattern}'"));
        builder.HasKey(s => s.Slug);
        builder.Property(s => s.Slug).HasMaxLength(80);
        builder.HasOne<Product>().WithMany().HasForeignKey(s => s.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.ProductId);
    }
}

internal sealed class ProductPhotoConfiguration : IEntityTypeConfiguration<ProductPhoto>
{
    public void Configure(EntityTypeBuilder<ProductPhoto> builder)
    {
        builder.ToTable("product_photos", t => t.HasCheckConstraint("ck_product_photos_size", "width > 0 AND height > 0"));
        builder.HasKey(p => p.Hash);
        builder.Property(p => p.Hash).HasMaxLength(64);
        builder.Property(p => p.UploadedBy).HasMaxLength(AuditEntry.ActorMaxLength);
    }
}

internal sealed class ProductPhotoRenditionConfiguration : IEntityTypeConfiguration<ProductPhotoRendition>
{
    public void Configure(EntityTypeBuilder<ProductPhotoRendition> builder)
    {
        builder.ToTable("product_photo_renditions", t => t.HasCheckConstraint("ck_product_photo_renditions_format", "format IN ('webp', 'jpeg')"));
        builder.HasKey(r => new { r.PhotoHash, r.Width, r.Format });
        builder.Property(r => r.PhotoHash).HasMaxLength(64);
        builder.Property(r => r.Format).HasMaxLength(8);
        builder.HasOne<ProductPhoto>().WithMany().HasForeignKey(r => r.PhotoHash).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AdminInvitationConfiguration : IEntityTypeConfiguration<AdminInvitation>
{
    public void Configure(EntityTypeBuilder<AdminInvitation> builder)
    {
        builder.ToTable("admin_invitations", t => t.HasCheckConstraint("ck_admin_invitations_expiry", "expires_at > created_at"));
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.Property(i => i.Email).HasMaxLength(256);
        builder.Property(i => i.InvitedBy).HasMaxLength(AuditEntry.ActorMaxLength);
        builder.Property(i => i.InvitedById).HasMaxLength(450);
        // The Team page lists the links still open.
        builder.HasIndex(i => i.ExpiresAt).HasFilter("accepted_at IS NULL AND revoked_at IS NULL");
    }
}
