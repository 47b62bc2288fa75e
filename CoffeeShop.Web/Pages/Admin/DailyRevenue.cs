namespace CoffeeShop.Web.Pages.Admin;

/// <summary>Revenue of one day in the shop's time zone: paid amounts less refunds, in minor units.</summary>
public sealed class DailyRevenue
{
    public DateOnly Day { get; set; }
    public long Revenue { get; set; }
    public int Payments { get; set; }
}
