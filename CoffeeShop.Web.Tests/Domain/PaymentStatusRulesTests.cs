using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;

namespace CoffeeShop.Web.Tests.Domain;

public class PaymentStatusRulesTests
{
    [Theory]
    [InlineData(PaymentStatus.Pending, PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.RequiresAction, PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.Processing, PaymentStatus.Failed, true)]
    [InlineData(PaymentStatus.Failed, PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Failed, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Processing, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Pending, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.PartiallyRefunded, true)]
    [InlineData(PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded, true)]
    [InlineData(PaymentStatus.Refunded, PaymentStatus.PartiallyRefunded, false)]
    [InlineData(PaymentStatus.Refunded, PaymentStatus.Succeeded, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Disputed, true)]
    [InlineData(PaymentStatus.Disputed, PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.Canceled, PaymentStatus.Succeeded, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.NeedsAttention, true)]
    [InlineData(PaymentStatus.NeedsAttention, PaymentStatus.Succeeded, false)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Succeeded, false)]
    [InlineData(PaymentStatus.Processing, PaymentStatus.PartiallyRefunded, true)]
    [InlineData(PaymentStatus.Failed, PaymentStatus.Refunded, true)]
    [InlineData(PaymentStatus.Canceled, PaymentStatus.Refunded, false)]
    [InlineData(PaymentStatus.Processing, PaymentStatus.Disputed, false)]
    public void CanMove_OnlyForward(PaymentStatus from, PaymentStatus to, bool allowed) =>
        Assert.Equal(allowed, PaymentStatusRules.CanMove(from, to));

    [Theory]
    [InlineData(PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.PartiallyRefunded, true)]
    [InlineData(PaymentStatus.Disputed, true)]
    [InlineData(PaymentStatus.NeedsAttention, true)]
    [InlineData(PaymentStatus.Pending, false)]
    [InlineData(PaymentStatus.Processing, false)]
    [InlineData(PaymentStatus.Failed, false)]
    [InlineData(PaymentStatus.Canceled, false)]
    public void IsRefundable_PaidOrNeedingAttention(PaymentStatus status, bool refundable) =>
        Assert.Equal(refundable, PaymentStatusRules.IsRefundable(status));

    [Theory]
    [InlineData("Duplicate payment: order CS-1 was already paid", true)]
    [InlineData("Duplicate payment", true)]
    [InlineData("duplicate payment", false)]
    [InlineData("PaymentIntent pi_1 is for €1.00, the order is €2.00", false)]
    [InlineData(null, false)]
    public void AttentionReasons_RecognisesDuplicatePayments(string? reason, bool duplicate) =>
        Assert.Equal(duplicate, AttentionReasons.IsDuplicatePayment(reason));

    [Theory]
    [InlineData("succeeded", null, PaymentStatus.Succeeded)]
    [InlineData("processing", null, PaymentStatus.Processing)]
    [InlineData("requires_action", null, PaymentStatus.RequiresAction)]
    [InlineData("canceled", null, PaymentStatus.Canceled)]
    [InlineData("requires_payment_method", "card_declined", PaymentStatus.Failed)]
    [InlineData("requires_payment_method", null, PaymentStatus.Pending)]
    [InlineData("requires_confirmation", null, PaymentStatus.Pending)]
    public void Snapshot_MapsStripeStatus(string stripeStatus, string? failureCode, PaymentStatus expected) =>
        Assert.Equal(expected, new PaymentIntentSnapshot("pi_1", stripeStatus, 100, "EUR", "1", "1", FailureCode: failureCode).Status);

    [Theory]
    [InlineData(PaymentStatus.Pending, false)]
    [InlineData(PaymentStatus.RequiresAction, false)]
    [InlineData(PaymentStatus.Processing, false)]
    [InlineData(PaymentStatus.Succeeded, true)]
    [InlineData(PaymentStatus.Failed, true)]
    [InlineData(PaymentStatus.Canceled, true)]
    [InlineData(PaymentStatus.PartiallyRefunded, true)]
    [InlineData(PaymentStatus.Refunded, true)]
    [InlineData(PaymentStatus.Disputed, true)]
    [InlineData(PaymentStatus.NeedsAttention, true)]
    public void IsSettled_EverythingTheReconcilerLeavesAlone(PaymentStatus status, bool settled) =>
        Assert.Equal(settled, PaymentStatusRules.IsSettled(status));

    [Fact]
    public void DeclineMessages_NeverEchoUnknownCodes() =>
        Assert.Equal("Your card was declined. Please use a different card or contact your bank.", DeclineMessages.For("<script>"));
}
