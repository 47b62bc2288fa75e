namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>An address as a customer types it into the checkout form; <see cref="Berlin"/> is the one every checkout uses unless a test says otherwise.</summary>
public sealed record DeliveryAddress(string Name, string Line1, string? Line2, string PostalCode, string City, string Country, string? Phone = null)
{
    /// <summary>In Germany, the first zone (€4.90, free from €40.00).</summary>
    public static readonly DeliveryAddress Berlin = new("Jana Schäfer", "Röstereistraße 1", null, "10115", "Berlin", "DE");

    /// <summary>The checkout form's fields; an empty optional field is posted empty, as a browser does.</summary>
    public Dictionary<string, string?> FormFields() => new()
    {
        ["Input.Name"] = Name,
        ["Input.Line1"] = Line1,
        ["Input.Line2"] = Line2 ?? "",
        ["Input.PostalCode"] = PostalCode,
        ["Input.City"] = City,
        ["Input.Country"] = Country,
        ["Input.Phone"] = Phone ?? "",
    };
}
