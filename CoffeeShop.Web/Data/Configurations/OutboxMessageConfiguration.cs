using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages", t =>
        {
            t.HasCheckConstraint("ck_outbox_messages_kind", $"kind IN ({string.Join(", ", Enum.GetNames<MessageKind>().Select(n => $"'{n}'"))})");
            t.HasCheckConstraint("ck_outbox_messages_status", $"status IN ({string.Join(", ", Enum.GetNames<OutboxStatus>().Select(n => $"'{n}'"))})");
            t.HasCheckConstraint("ck_outbox_messages_attempts", "attempts >= 0");
            // A sent message keeps no secret link: the payload goes as it is sent.
            t.HasCheckConstraint("ck_outbox_messages_sent", "(status = 'Sent') = (sent_at IS NOT NULL) AND (status <> 'Sent' OR payload IS NULL)");
        });
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Recipient).HasMaxLength(OutboxMessage.RecipientMaxLength);
        builder.Property(m => m.DedupeKey).HasMaxLength(OutboxMessage.DedupeKeyMaxLength);
        builder.Property(m => m.LastError).HasMaxLength(OutboxMessage.LastErrorMaxLength);
        builder.Property(m => m.Payload).HasColumnType("jsonb");
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(m => m.DedupeKey).IsUnique();
        builder.HasOne<Order>().WithMany().HasForeignKey(m => m.OrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Refund>().WithMany().HasForeignKey(m => m.RefundId).OnDelete(DeleteBehavior.Restrict);
        // The dispatcher's claim: pending messages that are due, oldest first; only they are indexed.
        builder.HasIndex(m => new { m.NextAttemptAt, m.Id }).HasFilter("status = 'Pending'").HasDatabaseName("ix_outbox_messages_due");
        // The failed list admins see.
        builder.HasIndex(m => new { m.CreatedAt, m.Id }).IsDescending(true, true).HasFilter("status = 'Failed'").HasDatabaseName("ix_outbox_messages_failed");
        builder.HasIndex(m => m.OrderId).HasFilter("order_id IS NOT NULL");
    }
}
