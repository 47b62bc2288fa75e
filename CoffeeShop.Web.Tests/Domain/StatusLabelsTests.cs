using System.Text.RegularExpressions;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public partial class StatusLabelsTests
{
    /// <summary>Every value of every enum a page shows, with the label a person reads for it.</summary>
    public static TheoryData<string, string> EveryValue()
    {
        var data = new TheoryData<string, string>();
        void Add<T>(Func<T, string> label) where T : struct, Enum
        {
            foreach (var value in Enum.GetValues<T>())
            {
                data.Add($"{typeof(T).Name}.{value}", label(value));
            }
        }

        Add<PaymentStatus>(s => s.Label());
        Add<OrderStatus>(s => s.Label());
        Add<FulfilmentStatus>(s => s.Label());
        Add<OutboxStatus>(s => s.Label());
        Add<MessageKind>(k => k.Label());
        Add<AuditAction>(a => a.Label());
        foreach (var status in StatusLabels.RefundStatuses)
        {
            data.Add($"refund.{status}", StatusLabels.RefundLabel(status));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryValue))]
    public void Label_EveryValue_ReadsAsWordsNotAsItsCode(string value, string label)
    {
        Assert.False(string.IsNullOrWhiteSpace(label), $"{value} has no label");
        // "PartiallyRefunded", "requires_action" or "toPack" are codes: a label starts with a capital and has no humps or underscores.
        Assert.True(char.IsUpper(label[0]), $"{value} reads '{label}': a label starts with a capital letter");
        Assert.False(CodeLike().IsMatch(label), $"{value} reads '{label}', which is a code, not words");
    }

    [Fact]
    public void Label_EveryRefundStatusTheRulesKnow_IsListed()
    {
        var known = typeof(RefundStatusRules).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order();
        Assert.Equal(known, StatusLabels.RefundStatuses.Order());
    }

    [Fact]
    public void Label_SomeValues_ReadAsAPersonSaysThem()
    {
        Assert.Equal("Partially refunded", PaymentStatus.PartiallyRefunded.Label());
        Assert.Equal("Needs attention", PaymentStatus.NeedsAttention.Label());
        Assert.Equal("Awaiting payment", OrderStatus.AwaitingPayment.Label());
        Assert.Equal("Paid, to pack", FulfilmentStatus.ToPack.Label());
        Assert.Equal("Waiting to send", OutboxStatus.Pending.Label());
        Assert.Equal("Awaiting action", StatusLabels.RefundLabel(RefundStatusRules.RequiresAction));
        // A status Stripe adds later still reads as words.
        Assert.Equal("Some new state", StatusLabels.RefundLabel("some_new_state"));
    }

    [Fact]
    public void Label_ValueOutsideTheEnum_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((PaymentStatus)99).Label());
    }

    [GeneratedRegex("[a-z][A-Z]|_")]
    private static partial Regex CodeLike();
}
