using CoffeeShop.Web.Catalog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>A page with the product form (_ProductFields): creating a product, or editing one.</summary>
public abstract class ProductFormModel : PageModel
{
    [BindProperty]
    public ProductInput Input { get; set; } = new();

    /// <summary>The shop's currency: prices are typed in it.</summary>
    public abstract string Currency { get; }

    /// <summary>Puts each problem beside its field.</summary>
    protected void Show(IEnumerable<ProductProblem> problems)
    {
        foreach (var problem in problems)
        {
            ModelState.AddModelError($"{nameof(Input)}.{problem.Field}", problem.Message);
        }
    }

    protected const string SlugTakenMessage = "Another product has this slug, or had it before (its old address still leads to it). Choose another slug.";
}
