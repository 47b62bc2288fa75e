using System.Diagnostics.CodeAnalysis;
using System.Text;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

/// <summary>
/// The one place that decides whether a typed address can go on a parcel: required fields, the lengths
/// the orders table keeps, the postal-code form of the country, a country the shop ships to, and no
/// control or direction-override characters (they break labels and can disguise what a line says).
/// Names and places in any script are welcome. Values are trimmed and NFC-normalised; postal codes and
/// country codes are kept upper-case.
/// </summary>
public static class ShippingAddressRules
{
    public const int PhoneMinLength = 5;

    public static bool TryRead(AddressInput input, PriceList prices, [NotNullWhen(true)] out ShippingAddress? address, out IReadOnlyList<AddressProblem> problems)
    {
        var found = new List<AddressProblem>();
        var name = Text(input.Name, nameof(AddressInput.Name), "the name", ShippingAddress.NameMaxLength, "Enter the name of the person the parcel is for.", found);
        var line1 = Text(input.Line1, nameof(AddressInput.Line1), "the street", ShippingAddress.LineMaxLength, "Enter the street and house number.", found);
        var line2 = Text(input.Line2, nameof(AddressInput.Line2), "the second address line", ShippingAddress.LineMaxLength, whenMissing: null, found);
        var postalCode = Text(input.PostalCode, nameof(AddressInput.PostalCode), "the postal code", ShippingAddress.PostalCodeMaxLength, "Enter the postal code.", found)?.ToUpperInvariant();
        var city = Text(input.City, nameof(AddressInput.City), "the town or city", ShippingAddress.CityMaxLength, "Enter the town or city.", found);
        var country = string.IsNullOrWhiteSpace(input.Country) ? null : input.Country.Trim().ToUpperInvariant();
        var phone = Text(input.Phone, nameof(AddressInput.Phone), "the phone number", ShippingAddress.PhoneMaxLength, whenMissing: null, found);

        if (country is null)
        {
            found.Add(new(nameof(AddressInput.Country), "Choose the country the parcel goes to."));
        }
        else if (!prices.ShipsTo(country))
        {
            found.Add(new(nameof(AddressInput.Country), "We do not ship there. Choose a country from the list."));
            country = null;
        }

        if (country is not null && postalCode is not null && !Countries.IsValidPostalCode(country, postalCode))
        {
            var known = Countries.Get(country);
            found.Add(new(nameof(AddressInput.PostalCode), $"Enter a postal code like {known.PostalCodeExample} for {known.Name}."));
        }

        if (phone is not null && !IsPhoneNumber(phone))
        {
            found.Add(new(nameof(AddressInput.Phone),
                $"Enter a phone number of {PhoneMinLength} to {ShippingAddress.PhoneMaxLength} characters: digits, spaces and + - ( ) / only, or leave it empty."));
        }

        problems = found;
        address = found.Count == 0 ? new ShippingAddress(name!, line1!, line2, postalCode!, city!, country!, phone) : null;
        return address is not null;
    }

    /// <summary>The trimmed, normalised value, or null when it is empty or has a problem (which is added).</summary>
    private static string? Text(string? raw, string field, string label, int maxLength, string? whenMissing, List<AddressProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (whenMissing is not null)
            {
                problems.Add(new(field, whenMissing));
            }

            return null;
        }

        if (raw.Any(TypedText.IsRefused) || !TypedText.IsWellFormed(raw))
        {
            problems.Add(new(field, $"Remove the line breaks, tabs or invisible characters from {label}."));
            return null;
        }

        var value = raw.Trim().Normalize(NormalizationForm.FormC);
        if (value.Length > maxLength)
        {
            problems.Add(new(field, $"Shorten {label} to at most {maxLength} characters."));
            return null;
        }

        return value;
    }

    private static bool IsPhoneNumber(string phone) =>
        phone.Length >= PhoneMinLength && phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '/') && phone.Any(char.IsAsciiDigit);
}
