namespace CoffeeShop.Web.Catalog.Photos;

/// <summary>The bytes of one rendition, as served.</summary>
public sealed record PhotoFile(string Hash, int Width, string Format, byte[] Content);

/// <summary>
/// Where product photos are kept. Today PostgreSQL (ADR 0015); an object store can take its place
/// behind this interface without the pages or the endpoint changing.
/// </summary>
public interface IPhotoStore
{
    /// <summary>
    /// Adds <paramref name="photo"/> and its renditions to the request's unit of work (the scoped
    /// AppDbContext), so the caller's one SaveChanges stores them with the product change and its audit
    /// entry, or none of them. A photo already stored (same hash) is not added again.
    /// </summary>
    Task AddAsync(ProcessedPhoto photo, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The rendition of <paramref name="hash"/> in <paramref name="format"/> at <paramref name="width"/>;
    /// for a standard width the photo was too narrow to have, its widest rendition below it. Null when none.
    /// </summary>
    Task<PhotoFile?> FindAsync(string hash, int width, string format, CancellationToken cancellationToken);
}
