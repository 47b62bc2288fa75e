using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public class RefundStatusRulesTests
{
    [Theory]
    [InlineData("requested", "pending", true)]
    [InlineData("requested", "succeeded", true)]
    [InlineData("requested", "failed", true)]
    [InlineData("requested", "requires_action", true)]
    [InlineData("requires_action", "pending", true)]
    [InlineData("pending", "succeeded", true)]
    [InlineData("pending", "canceled", true)]
    [InlineData("succeeded", "failed", true)]
    [InlineData("failed", "pending", false)]
    [InlineData("failed", "succeeded", false)]
    [InlineData("canceled", "succeeded", false)]
    [InlineData("succeeded", "pending", false)]
    [InlineData("pending", "requires_action", false)]
    [InlineData("pending", "requested", false)]
    [InlineData("succeeded", "succeeded", false)]
    [InlineData("requested", "something_new", false)]
    public void CanMove_OnlyForward(string from, string to, bool allowed) =>
        Assert.Equal(allowed, RefundStatusRules.CanMove(from, to));

    [Theory]
    [InlineData("failed", true)]
    [InlineData("canceled", true)]
    [InlineData("succeeded", false)]
    [InlineData("requested", false)]
    public void IsFinal_OnlyFailedAndCanceled(string status, bool final) =>
        Assert.Equal(final, RefundStatusRules.IsFinal(status));

    [Fact]
    public void HoldingMoney_IsEverythingButFailedAndCanceled() =>
        Assert.Equal(["requested", "requires_action", "pending", "succeeded"], RefundStatusRules.HoldingMoney);
}
