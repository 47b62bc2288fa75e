namespace CoffeeShop.Web.Catalog;

/// <summary>How saving a product ended.</summary>
public enum ProductSaveOutcome
{
    Saved,

    /// <summary>Nothing differed from what is stored: nothing written, nothing audited.</summary>
    Unchanged,

    NotFound,

    /// <summary>Another admin saved the product after this form was rendered: nothing written.</summary>
    Stale,

    /// <summary>The slug is another product's, now or formerly: nothing written.</summary>
    SlugTaken,
}

/// <param name="ProductId">The product saved (the new one's id after a create).</param>
public sealed record ProductSave(ProductSaveOutcome Outcome, int ProductId = 0);
