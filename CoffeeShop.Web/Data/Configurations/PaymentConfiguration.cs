using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CoffeeShop.Web.Data.Configurations;

internal sealed class PaymentRecordConfiguration : IEntityTypeConfiguration<PaymentRecord>
{
    public void Configure(EntityTypeBuilder<PaymentRecord> builder)
    {
        builder.ToTable("payment_records", t =>
        {
            t.HasCheckConstraint("ck_payment_records_amount_positive", "amount_minor > 0");
            t.HasCheckConstraint("ck_payment_records_refunded_range", "refunded_minor >= 0 AND refunded_minor <= amount_minor");
        });
        builder.HasOne(p => p.Order).WithMany().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.OrderId, p.Attempt }).IsUnique();
        builder.HasIndex(p => p.IdempotencyKey).IsUnique();
        // At most one attempt of an order holds its stock: a second attempt begins only after the first let go.
        builder.HasIndex(p => p.OrderId).IsUnique().HasFilter("stock_reservation = 'Held'").HasDatabaseName("ux_payment_records_one_holding_attempt");
        builder.HasIndex(p => p.PaymentIntentId).IsUnique();
        // The admin list: newest first, keyset-paged on (created_at, id).
        builder.HasIndex(p => new { p.CreatedAt, p.Id }).IsDescending(true, true);
        builder.HasIndex(p => new { p.Status, p.CreatedAt, p.Id }).IsDescending(false, true, true);
        // Totals and the dashboard read a date range: answered from the index alone.
        builder.HasIndex(p => p.CreatedAt)
            .IncludeProperties(p => new { p.Status, p.Currency, p.AmountMinor, p.RefundedMinor })
            .HasDatabaseName("ix_payment_records_created_at_totals");
        // Admin search: emails are stored lower-case, so an exact match uses a plain index.
        builder.HasIndex(p => p.CustomerEmail);
        // The reconciler's question: which unsettled records are due for a look?
        builder.HasIndex(p => p.NextCheckAt)
            .HasFilter("status IN ('Pending', 'Processing', 'RequiresAction')")
            .HasDatabaseName("ix_payment_records_unsettled_next_check_at");
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.CustomerEmail).HasMaxLength(254);
        builder.Property(p => p.ItemsSummary).HasMaxLength(500);
        builder.Property(p => p.IdempotencyKey).HasMaxLength(100).HasComputedColumnSql(PaymentRecord.IdempotencyKeySql, stored: true);
        builder.Property(p => p.StockReservation).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.AttentionResolvedBy).HasMaxLength(254);
        builder.Property(p => p.AttentionResolution).HasMaxLength(500);
        builder.Property(p => p.PaymentIntentId).HasMaxLength(100);
        builder.Property(p => p.ChargeId).HasMaxLength(100);
        builder.Property(p => p.CardBrand).HasMaxLength(32);
        builder.Property(p => p.CardLast4).HasMaxLength(4);
        builder.Property(p => p.FailureCode).HasMaxLength(100);
        builder.Property(p => p.FailureMessage).HasMaxLength(500);
        builder.Property(p => p.AttentionReason).HasMaxLength(500);
        builder.Ignore(p => p.Amount);
        builder.Ignore(p => p.Refunded);
        builder.Ignore(p => p.Refundable);
    }
}

internal sealed class PaymentTimelineEntryConfiguration : IEntityTypeConfiguration<PaymentTimelineEntry>
{
    public void Configure(EntityTypeBuilder<PaymentTimelineEntry> builder)
    {
        builder.ToTable("payment_timeline");
        builder.HasOne<PaymentRecord>().WithMany().HasForeignKey(e => e.PaymentRecordId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.PaymentRecordId, e.At });
        builder.Property(e => e.Source).HasMaxLength(64);
        builder.Property(e => e.FromStatus).HasConversion<string>().HasMaxLength(24);
        builder.Property(e => e.ToStatus).HasConversion<string>().HasMaxLength(24);
        builder.Property(e => e.Note).HasMaxLength(500);
    }
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.ToTable("refunds", t => t.HasCheckConstraint("ck_refunds_amount_positive", "amount_minor > 0"));
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<PaymentRecord>().WithMany().HasForeignKey(r => r.PaymentRecordId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.StripeRefundId).IsUnique();
        builder.HasIndex(r => r.CreditNoteNumber).IsUnique();
        // Given by the trigger refunds_take_credit_note_number as the refund succeeds; read back, never written.
        builder.Property(r => r.CreditNoteNumber).ValueGeneratedOnAddOrUpdate();
        builder.HasIndex(r => r.PaymentRecordId);
        builder.Property(r => r.StripeRefundId).HasMaxLength(100);
        builder.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(r => r.Reason).HasMaxLength(64);
        builder.Property(r => r.Status).HasMaxLength(32);
        builder.Property(r => r.FailureMessage).HasMaxLength(500);
        builder.Property(r => r.Source).HasMaxLength(32);
    }
}

internal sealed class StripeEventRecordConfiguration : IEntityTypeConfiguration<StripeEventRecord>
{
    public void Configure(EntityTypeBuilder<StripeEventRecord> builder)
    {
        builder.ToTable("stripe_events");
        builder.Property(e => e.Id).HasMaxLength(100);
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.Property(e => e.Payload).HasColumnType("jsonb");
        builder.Property(e => e.Outcome).HasMaxLength(500);
        builder.HasOne<PaymentRecord>().WithMany().HasForeignKey(e => e.PaymentRecordId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(e => new { e.PaymentRecordId, e.ReceivedAt });
    }
}

internal sealed class DocumentSequenceConfiguration : IEntityTypeConfiguration<DocumentSequence>
{
    public void Configure(EntityTypeBuilder<DocumentSequence> builder)
    {
        builder.ToTable("document_sequences", t => t.HasCheckConstraint("ck_document_sequences_last_number", "last_number >= 0"));
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(32);
        builder.HasData(
            new DocumentSequence { Name = DocumentSequence.Invoice, LastNumber = 0 },
            new DocumentSequence { Name = DocumentSequence.CreditNote, LastNumber = 0 });
    }
}
