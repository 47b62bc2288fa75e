namespace CoffeeShop.Web.Domain;

/// <summary>
/// What the shop accepts in text people type: any script, but no control characters (NUL, tab, CR,
/// LF, …), no bidi embeddings, overrides or isolates (they can disguise what a line says), and no
/// lone surrogates (they cannot be stored or normalised).
/// </summary>
public static class TypedText
{
    /// <summary>Characters refused in a one-line value.</summary>
    public static bool IsRefused(char c) => char.IsControl(c) || IsBidiControl(c);

    /// <summary>Characters refused in a multi-line value: as <see cref="IsRefused"/>, but line breaks are kept.</summary>
    public static bool IsRefusedInParagraphs(char c) => c is not ('\n' or '\r') && IsRefused(c);

    /// <summary>Every surrogate is half of a pair.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
