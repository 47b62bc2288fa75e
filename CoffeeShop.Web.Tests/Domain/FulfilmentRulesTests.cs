using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public class FulfilmentRulesTests
{
    public static TheoryData<FulfilmentStatus, FulfilmentStatus> Allowed => new()
    {
        { FulfilmentStatus.ToPack, FulfilmentStatus.Packed },
        { FulfilmentStatus.ToPack, FulfilmentStatus.Canceled },
        { FulfilmentStatus.Packed, FulfilmentStatus.Shipped },
        { FulfilmentStatus.Packed, FulfilmentStatus.Canceled },
        { FulfilmentStatus.Shipped, FulfilmentStatus.Delivered },
    };

    [Fact]
    public void CanMove_AllowsExactlyTheForwardSteps_AndNothingElse()
    {
        var allowed = Allowed.Select(row => ((FulfilmentStatus)row[0], (FulfilmentStatus)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<FulfilmentStatus>())
        {
            foreach (var to in Enum.GetValues<FulfilmentStatus>())
            {
                Assert.True(FulfilmentRules.CanMove(from, to) == allowed.Contains((from, to)), $"{from} -> {to}");
            }
        }
    }

    [Theory]
    [InlineData(FulfilmentStatus.Shipped, FulfilmentStatus.Canceled)]
    [InlineData(FulfilmentStatus.Delivered, FulfilmentStatus.Shipped)]
    [InlineData(FulfilmentStatus.Canceled, FulfilmentStatus.ToPack)]
    [InlineData(FulfilmentStatus.Packed, FulfilmentStatus.ToPack)]
    [InlineData(FulfilmentStatus.ToPack, FulfilmentStatus.Shipped)]
    public void CanMove_NeverGoesBackOrSkipsPacking(FulfilmentStatus from, FulfilmentStatus to) =>
        Assert.False(FulfilmentRules.CanMove(from, to));

    [Fact]
    public void NextSteps_OfFinishedOrders_AreNone()
    {
        Assert.Empty(FulfilmentRules.NextSteps(FulfilmentStatus.Delivered));
        Assert.Empty(FulfilmentRules.NextSteps(FulfilmentStatus.Canceled));
        Assert.Equal([FulfilmentStatus.Packed, FulfilmentStatus.Canceled], FulfilmentRules.NextSteps(FulfilmentStatus.ToPack));
    }
}
