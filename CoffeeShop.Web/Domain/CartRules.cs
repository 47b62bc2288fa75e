namespace CoffeeShop.Web.Domain;

/// <summary>The rules every cart change obeys, whichever page makes it.</summary>
public static class CartRules
{
    public const int MinQuantity = 1;
    public const int MaxQuantity = 99;

    public static bool IsValidQuantity(int quantity) => quantity is >= MinQuantity and <= MaxQuantity;
}
