namespace CoffeeShop.Web.Data;

/// <summary>
/// Typed text inside a LIKE/ILIKE pattern: its %, _ and \ are characters to find, not wildcards. Use the
/// pattern with <see cref="Escape"/> as the escape character (<c>EF.Functions.ILike(column, pattern, LikePatterns.Escape)</c>).
/// </summary>
public static class LikePatterns
{
    public const string Escape = "\\";

    /// <summary>The text as a literal part of a pattern.</summary>
    public static string Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
    }

    /// <summary>A pattern matching any text that contains <paramref name="text"/>.</summary>
    public static string Containing(string text) => $"%{Literal(text)}%";
}
