namespace CoffeeShop.Web.Domain;

/// <summary>Where an order goes, as the customer typed it (trimmed); Country is an ISO 3166-1 alpha-2 code.</summary>
public sealed record ShippingAddress(string Name, string Line1, string? Line2, string PostalCode, string City, string Country, string? Phone)
{
    public const int NameMaxLength = 100;
    public const int LineMaxLength = 100;
    public const int PostalCodeMaxLength = 16;
    public const int CityMaxLength = 80;
    public const int PhoneMaxLength = 24;

    /// <summary>The address lines as a parcel label prints them.</summary>
    public IEnumerable<string> Lines()
    {
        yield return Name;
        yield return Line1;
        if (!string.IsNullOrEmpty(Line2))
        {
            yield return Line2;
        }

        yield return $"{PostalCode} {City}";
        yield return Countries.Name(Country);
    }
}
