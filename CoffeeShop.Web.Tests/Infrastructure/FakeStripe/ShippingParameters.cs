using System.Text.RegularExpressions;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// <c>shipping[...]</c> of <c>POST /v1/payment_intents</c>, checked as Stripe's API reference describes it
/// ("Create a PaymentIntent" → shipping): <c>shipping[name]</c> and <c>shipping[address]</c> are required
/// once any shipping is sent; <c>shipping[carrier]</c>, <c>[phone]</c>, <c>[tracking_number]</c> and every
/// part of the address (<c>city</c>, <c>country</c>, <c>line1</c>, <c>line2</c>, <c>postal_code</c>,
/// <c>state</c>) are optional strings; <c>country</c> is a two-letter ISO 3166-1 alpha-2 code. Anything
/// else under <c>shipping</c> is an unknown parameter.
/// </summary>
internal static partial class ShippingParameters
{
    private const int MaxLength = 5000;
    private static readonly string[] TopLevel = ["name", "phone", "carrier", "tracking_number"];
    private static readonly string[] AddressParts = ["city", "country", "line1", "line2", "postal_code", "state"];

    /// <summary>Null error and null shipping when the request sends none; a Stripe-worded 400 for a malformed one.</summary>
    public static ApiResult? Read(ApiRequest request, out FakeShipping? shipping)
    {
        shipping = null;
        var sent = request.Parameters.Where(p => p.Key == "shipping" || p.Key.StartsWith("shipping[", StringComparison.Ordinal)).ToList();
        if (sent.Count == 0)
        {
            return null;
        }

        foreach (var (key, value) in sent)
        {
            if (!IsKnown(key))
            {
                return StripeErrors.InvalidRequest(request.RequestId, 400, $"Received unknown parameter: {key}", "parameter_unknown", key);
            }

            if (value.Length > MaxLength)
            {
                return StripeErrors.InvalidRequest(request.RequestId, 400,
                    $"Invalid string: {value[..20]}...; must be at most {MaxLength} characters", "string_too_long", key);
            }
        }

        if (request.Param("shipping[name]") is not { } name)
        {
            return RequestChecks.Missing(request, "shipping[name]");
        }

        if (!sent.Exists(p => p.Key.StartsWith("shipping[address][", StringComparison.Ordinal)))
        {
            return RequestChecks.Missing(request, "shipping[address]");
        }

        var country = request.Param("shipping[address][country]");
        if (country is not null && !CountryCode().IsMatch(country))
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400,
                $"Country '{country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.",
                "parameter_invalid_string", "shipping[address][country]");
        }

        shipping = new FakeShipping(
            name,
            request.Param("shipping[phone]"),
            request.Param("shipping[carrier]"),
            request.Param("shipping[tracking_number]"),
            request.Param("shipping[address][city]"),
            country,
            request.Param("shipping[address][line1]"),
            request.Param("shipping[address][line2]"),
            request.Param("shipping[address][postal_code]"),
            request.Param("shipping[address][state]"));
        return null;
    }

    private static bool IsKnown(string key) =>
        TopLevel.Any(field => key == $"shipping[{field}]") || AddressParts.Any(part => key == $"shipping[address][{part}]");

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
