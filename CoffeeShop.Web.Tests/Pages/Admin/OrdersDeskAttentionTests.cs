using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Pages.Admin.Orders;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// The desk's "Needs attention" marker and tab count. The count is exact up to a cap and then "99+", so a
/// desk page costs the same however many records wait for an admin.
/// </summary>
public class OrdersDeskAttentionTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Admin = "admin@coffeeshop.test";

    /// <summary>Paid orders, oldest first, each with its payment record in NeedsAttention (resolved when asked).</summary>
    private async Task<List<long>> NeedAttentionAsync(int orders, bool resolved = false)
    {
        await using var db = Db();
        var records = new List<PaymentRecord>();
        for (var i = 0; i < orders; i++)
        {
            records.Add(await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddMinutes(i - orders)));
        }

        var ids = records.Select(r => r.Id).ToList();
        await db.PaymentRecords.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PaymentStatus.NeedsAttention)
            .SetProperty(p => p.AttentionResolvedAt, p => resolved ? DateTimeOffset.UtcNow : null));
        return records.Select(r => r.OrderId).ToList();
    }

    private async Task<AngleSharp.Dom.IDocument> DeskAsync()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        return await admin.GetDocumentAsync("/Admin/Orders");
    }

    private static string AttentionCount(AngleSharp.Dom.IDocument desk) => desk.QuerySelector("#view-NeedsAttention .count")!.TextContent;

    [Fact]
    public async Task Get_Desk_MarksOnlyTheOrdersWhoseRecordStillNeedsAttention()
    {
        var open = (await NeedAttentionAsync(1)).Single();
        var resolved = (await NeedAttentionAsync(1, resolved: true)).Single();
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow);
        }

        var desk = await DeskAsync();

        var marked = desk.QuerySelectorAll("tr[data-id]").Where(r => r.QuerySelector(".attention-marker") is not null)
            .Select(r => long.Parse(r.GetAttribute("data-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([open], marked);
        Assert.Equal(3, desk.QuerySelectorAll("tr[data-id]").Length);
        Assert.DoesNotContain(resolved, marked);
        Assert.Equal("1", AttentionCount(desk));
    }

    [Fact]
    public async Task Get_Desk_CountsOrdersNeedingAttentionExactlyUpToTheCap()
    {
        await NeedAttentionAsync(IndexModel.AttentionCountCap);

        Assert.Equal("99", AttentionCount(await DeskAsync()));
    }

    [Fact]
    public async Task Get_Desk_MoreThanTheCapNeedAttention_ShowsTheCapAndAPlus()
    {
        await NeedAttentionAsync(IndexModel.AttentionCountCap + 1);

        Assert.Equal("99+", AttentionCount(await DeskAsync()));
    }
}
