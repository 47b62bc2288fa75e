using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Catalog.Photos;

/// <summary>Photos in PostgreSQL: product_photos and product_photo_renditions (ADR 0015).</summary>
public sealed class PostgresPhotoStore(AppDbContext db) : IPhotoStore
{
    public async Task AddAsync(ProcessedPhoto photo, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(uploadedBy);
        if (db.ProductPhotos.Local.Any(p => p.Hash == photo.Hash)
            || await db.ProductPhotos.AnyAsync(p => p.Hash == photo.Hash, cancellationToken))
        {
            return;
        }

        db.ProductPhotos.Add(new ProductPhoto
        {
            Hash = photo.Hash,
            Width = photo.Width,
            Height = photo.Height,
            Widths = photo.Widths,
            UploadedAt = at,
            UploadedBy = uploadedBy.Length <= AuditEntry.ActorMaxLength ? uploadedBy : uploadedBy[..AuditEntry.ActorMaxLength],
        });
        db.ProductPhotoRenditions.AddRange(photo.Renditions.Select(r => new ProductPhotoRendition
        {
            PhotoHash = photo.Hash,
            Width = r.Width,
            Format = r.Format,
            Content = r.Content,
        }));
    }

    public async Task<PhotoFile?> FindAsync(string hash, int width, string format, CancellationToken cancellationToken)
    {
        // The exact width, or (for a photo narrower than a standard width) the widest one below it.
        var rendition = await db.ProductPhotoRenditions.AsNoTracking()
            .Where(r => r.PhotoHash == hash && r.Format == format && r.Width <= width)
            .OrderByDescending(r => r.Width)
            .FirstOrDefaultAsync(cancellationToken);
        if (rendition is null || (rendition.Width != width && !PhotoProcessor.Widths.Contains(width)))
        {
            return null;
        }

        return new PhotoFile(rendition.PhotoHash, rendition.Width, rendition.Format, rendition.Content);
    }
}
