namespace CoffeeShop.Web.Fulfilment;

/// <summary>
/// What a tracking number may be: what carriers print on a label (letters, digits, dashes and spaces),
/// 4 to 40 characters once trimmed. Nothing else gets in, so the number is safe in a link, a page and a CSV.
/// </summary>
public static class TrackingNumber
{
    public const int MinLength = 4;
    public const int MaxLength = 40;

    /// <summary>Why <paramref name="typed"/> is not a tracking number, or null; <paramref name="number"/> is the trimmed number.</summary>
    public static string? Problem(string? typed, out string number)
    {
        number = typed?.Trim() ?? "";
        if (number.Length == 0)
        {
            return "Enter the tracking number.";
        }

        if (number.Length is < MinLength or > MaxLength)
        {
            return $"A tracking number has {MinLength} to {MaxLength} characters.";
        }

        return number.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' ')
            ? null
            : "A tracking number has only letters, digits, dashes and spaces.";
    }
}
