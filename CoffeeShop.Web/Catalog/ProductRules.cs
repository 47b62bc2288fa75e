using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Catalog;

/// <summary>
/// The one place that decides whether typed product fields can be a product, for the editor and the
/// CSV import alike: required fields, the lengths the products table keeps, a slug of lower-case ASCII
/// words (no slashes, no look-alike letters), a roast the shop knows, a sensible bag weight, and a price
/// Stripe can charge below <see cref="MaxPriceMinor"/>. Text is trimmed and NFC-normalised; HTML is
/// kept as typed (every page escapes it). Control and bidi characters are refused (line breaks only in
/// the description).
/// </summary>
public static partial class ProductRules
{
    public const int SlugMaxLength = 80;
    public const int NameMaxLength = 120;
    public const int OriginMaxLength = 120;
    public const int TastingNotesMaxLength = 200;
    public const int DescriptionMaxLength = 2000;
    public const int MinWeightGrams = 50;
    public const int MaxWeightGrams = 5000;

    /// <summary>The dearest bag the shop sells, in minor units (10,000.00 in a two-decimal currency): a typo guard.</summary>
    public const long MaxPriceMinor = 1_000_000;

    public static bool TryRead(ProductInput input, string currency, [NotNullWhen(true)] out ProductDetails? details, out IReadOnlyList<ProductProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(input);
        var found = new List<ProductProblem>();
        var slug = ReadSlug(input.Slug, found);
        var name = Text(input.Name, nameof(ProductInput.Name), "the name", NameMaxLength, paragraphs: false, found);
        var origin = Text(input.Origin, nameof(ProductInput.Origin), "the origin", OriginMaxLength, paragraphs: false, found);
        var notes = Text(input.TastingNotes, nameof(ProductInput.TastingNotes), "the tasting notes", TastingNotesMaxLength, paragraphs: false, found);
        var description = Text(input.Description, nameof(ProductInput.Description), "the description", DescriptionMaxLength, paragraphs: true, found);

        Roast? roast = Enum.TryParse<Roast>(input.Roast?.Trim(), ignoreCase: true, out var r) && Enum.IsDefined(r) && !int.TryParse(input.Roast, out _) ? r : null;
        if (roast is null)
        {
            found.Add(new(nameof(ProductInput.Roast), "Choose the roast: Light, Medium or Dark."));
        }

        int? weight = int.TryParse(input.WeightGrams?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var grams) && grams is >= MinWeightGrams and <= MaxWeightGrams ? grams : null;
        if (weight is null)
        {
            found.Add(new(nameof(ProductInput.WeightGrams), $"Enter the bag's weight in grams, a whole number from {MinWeightGrams} to {MaxWeightGrams}."));
        }

        var price = ReadPrice(input.Price, currency, found);

        problems = found;
        details = found.Count == 0 ? new ProductDetails(slug!, name!, origin!, roast!.Value, weight!.Value, notes!, description!, price!.Value) : null;
        return details is not null;
    }

    /// <summary>Whether <paramref name="slug"/> has the shape every product address has (the database checks the same pattern).</summary>
    public static bool IsSlug(string? slug) =>
        slug is { Length: > 0 and <= SlugMaxLength } && slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && SlugShape().IsMatch(slug);

    private static string? ReadSlug(string? raw, List<ProductProblem> found)
    {
        var slug = raw?.Trim();
        if (string.IsNullOrEmpty(slug))
        {
            found.Add(new(nameof(ProductInput.Slug), "Enter the slug: the product's address, such as kiambu-aa."));
            return null;
        }

        if (!IsSlug(slug))
        {
            found.Add(new(nameof(ProductInput.Slug),
                $"Use only lower-case letters a–z, digits and single hyphens between them in the slug, at most {SlugMaxLength} characters (such as kiambu-aa)."));
            return null;
        }

        return slug;
    }

    private static Money? ReadPrice(string? raw, string currency, List<ProductProblem> found)
    {
        if (!Money.TryParseMajor(raw, currency, out var price) || price.Minor <= 0)
        {
            found.Add(new(nameof(ProductInput.Price), $"Enter the price in {currency} with a dot for decimals, such as 14.50; it must be more than zero and an amount the card network can charge."));
            return null;
        }

        if (price.Minor > MaxPriceMinor)
        {
            found.Add(new(nameof(ProductInput.Price), $"Enter a price of at most {new Money(MaxPriceMinor, currency)}."));
            return null;
        }

        return price;
    }

    private static string? Text(string? raw, string field, string label, int maxLength, bool paragraphs, List<ProductProblem> found)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            found.Add(new(field, $"Enter {label}."));
            return null;
        }

        if (raw.Any(paragraphs ? TypedText.IsRefusedInParagraphs : TypedText.IsRefused) || !TypedText.IsWellFormed(raw))
        {
            found.Add(new(field, paragraphs
                ? $"Remove the tabs or invisible characters from {label}."
                : $"Remove the line breaks, tabs or invisible characters from {label}."));
            return null;
        }

        var value = raw.Trim().Normalize(NormalizationForm.FormC);
        if (paragraphs)
        {
            value = value.ReplaceLineEndings("\n");
        }

        if (value.Length > maxLength)
        {
            found.Add(new(field, $"Shorten {label} to at most {maxLength} characters."));
            return null;
        }

        return value;
    }

    [GeneratedRegex(Product.SlugPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SlugShape();
}
