using System.Text.Encodings.Web;
using System.Text.Json;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Discovery;

/// <summary>What a product page tells search engines and link previews: a short description and schema.org JSON-LD.</summary>
public static class ProductDescription
{
    /// <summary>Search engines show about this many characters of a description.</summary>
    public const int MaxSummaryLength = 160;

    private static readonly JsonSerializerOptions Json = new()
    {
        // The default encoder escapes <, >, & and quotes, so no product text can close the script element it sits in.
        Encoder = JavaScriptEncoder.Default,
    };

    /// <summary>The product's own description, shortened at a word to <see cref="MaxSummaryLength"/> characters.</summary>
    public static string Summary(Product product)
    {
        var text = string.Join(' ', product.Description.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0)
        {
            text = $"{product.Name}: {product.Roast.ToString().ToLowerInvariant()} roast from {product.Origin}. Tasting notes: {product.TastingNotes}.";
        }

        if (text.Length <= MaxSummaryLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxSummaryLength - 1);
        return text[..(cut > 0 ? cut : MaxSummaryLength - 1)].TrimEnd(',', ';', ':', '.', ' ') + "…";
    }

    /// <summary>
    /// schema.org <c>Product</c> with its <c>Offer</c> (price, currency, availability from the bags a customer can
    /// buy now), for a <c>&lt;script type="application/ld+json"&gt;</c> data block: a browser never runs it, so the
    /// CSP's script rules do not apply to it and it needs no nonce.
    /// </summary>
    public static string StructuredData(Product product, string? url, string? image)
    {
        var offer = new Dictionary<string, object>
        {
            ["@type"] = "Offer",
            ["price"] = product.Price.ToMajorString(),
            ["priceCurrency"] = product.Currency,
            ["availability"] = product.InStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
            ["itemCondition"] = "https://schema.org/NewCondition",
        };
        var data = new Dictionary<string, object>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Product",
            ["name"] = product.Name,
            ["description"] = Summary(product),
            ["sku"] = product.Slug,
            ["countryOfOrigin"] = product.Origin,
            ["weight"] = new Dictionary<string, object> { ["@type"] = "QuantitativeValue", ["value"] = product.WeightGrams, ["unitCode"] = "GRM" },
        };
        if (url is not null)
        {
            data["url"] = url;
            offer["url"] = url;
        }

        if (image is not null)
        {
            data["image"] = image;
        }

        data["offers"] = offer;
        return JsonSerializer.Serialize(data, Json);
    }
}
