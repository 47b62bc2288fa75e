using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>A new product: created hidden and without bags, then activated and stocked from its page.</summary>
public class NewModel(ProductEditing editing, IOptions<ShopOptions> shop) : ProductFormModel
{
    public override string Currency => shop.Value.Currency;

    public void OnGet() => Input.WeightGrams ??= "250";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ProductRules.TryRead(Input, Currency, out var details, out var problems))
        {
            Show(problems);
            return Invalid();
        }

        var saved = await editing.CreateAsync(details, AdminActor.Of(User), cancellationToken);
        if (saved.Outcome == ProductSaveOutcome.SlugTaken)
        {
            ModelState.AddModelError("Input.Slug", SlugTakenMessage);
            return Invalid();
        }

        TempData["Message"] = $"{details.Name} is created. It stays hidden from the shop until you activate it; record the bags you have below.";
        return new SeeOtherResult(Url.Page("/Admin/Products/Edit", new { id = saved.ProductId })!);
    }

    private PageResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
