namespace CoffeeShop.Web.Domain;

/// <summary>One encoded size of a <see cref="ProductPhoto"/>: the bytes served at <c>/photos/{hash}/{width}.{webp|jpg}</c>.</summary>
public class ProductPhotoRendition
{
    public required string PhotoHash { get; set; }
    public int Width { get; set; }

    /// <summary>"webp" or "jpeg".</summary>
    public required string Format { get; set; }

    public required byte[] Content { get; set; }
}
