namespace CoffeeShop.Web.Shopping;

/// <summary>A shipping address exactly as the checkout form posted it: untrimmed, unchecked, any field may be missing.</summary>
public sealed record AddressInput(string? Name, string? Line1, string? Line2, string? PostalCode, string? City, string? Country, string? Phone);
