namespace CoffeeShop.Web.Shopping;

/// <summary>Why one field of an address cannot be used; <see cref="Field"/> is the <see cref="AddressInput"/> property's name.</summary>
public sealed record AddressProblem(string Field, string Message);
