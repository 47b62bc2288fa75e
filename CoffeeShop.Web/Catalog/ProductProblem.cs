namespace CoffeeShop.Web.Catalog;

/// <summary>Why one field of a product cannot be used; <see cref="Field"/> is the <see cref="ProductInput"/> property's name.</summary>
public sealed record ProductProblem(string Field, string Message);
