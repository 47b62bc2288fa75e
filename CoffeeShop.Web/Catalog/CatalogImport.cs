using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Catalog;

/// <summary>
/// Writes the checked rows of an import (<see cref="CatalogCsv.Read"/>) in one transaction: a row whose
/// slug is a product's current slug updates it, any other creates a product with no stock (stock comes only
/// from the ledger). Unchanged products are left alone. One audit entry for the import and one per created
/// or changed product go into the same transaction. A slug that is another product's former address
/// refuses the whole import, as any row problem does.
/// </summary>
public static class CatalogImport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What an import did, or why it did nothing.</summary>
    public sealed record Outcome(IReadOnlyList<CatalogImportProblem> Problems, int Created, int Updated, int Unchanged);

    public static async Task<Outcome> ApplyAsync(AppDbContext db, IReadOnlyList<CatalogImportRow> rows, AdminActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var slugs = rows.Select(r => r.Details.Slug).ToList();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The lock the slug trigger takes: held from here, no other import or slug change runs between
            // the look-ups below and the commit, so two imports of one new slug cannot both create it.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('product_slugs'))", cancellationToken);
            var existing = await db.Products.Where(p => slugs.Contains(p.Slug)).ToDictionaryAsync(p => p.Slug, StringComparer.Ordinal, cancellationToken);
            var former = await db.ProductFormerSlugs.Where(f => slugs.Contains(f.Slug))
                .Join(db.Products, f => f.ProductId, p => p.Id, (f, p) => new { f.Slug, p.Name, Current = p.Slug })
                .ToListAsync(cancellationToken);
            if (former.Count > 0)
            {
                var problems = former.Select(f => new CatalogImportProblem(rows.First(r => r.Details.Slug == f.Slug).Line, f.Slug,
                    [$"slug: {f.Slug} was the address of {f.Name}, which is now {f.Current}; its old links lead there. Use {f.Current} to change that product, or another slug for a new one."]));
                return new([.. problems.OrderBy(p => p.Line)], 0, 0, 0);
            }

            var created = new List<string>();
            var updated = new List<string>();
            foreach (var row in rows)
            {
                var slug = row.Details.Slug;
                if (existing.TryGetValue(slug, out var product))
                {
                    var before = Snapshot(ProductDetails.Of(product), product.IsActive);
                    var after = Snapshot(row.Details, row.IsActive);
                    if (JsonNode.DeepEquals(before, after))
                    {
                        continue;
                    }

                    row.Details.ApplyTo(product);
                    product.IsActive = row.IsActive;
                    product.Revision++;
                    AuditTrail.AddChanges(db, actor, AuditAction.ProductChanged, $"product {slug}", before, after, at);
                    updated.Add(slug);
                }
                else
                {
                    product = new Product { Slug = slug, Name = "", Origin = "", TastingNotes = "", Description = "", Currency = row.Details.Price.Currency, IsActive = row.IsActive };
                    row.Details.ApplyTo(product);
                    db.Products.Add(product);
                    AuditTrail.Add(db, actor, AuditAction.ProductCreated, $"product {slug}", null, Snapshot(row.Details, row.IsActive), at);
                    created.Add(slug);
                }
            }

            var unchanged = rows.Count - created.Count - updated.Count;
            AuditTrail.Add(db, actor, AuditAction.CatalogImported, "catalog import", null,
                new { created = created.Count, updated = updated.Count, unchanged, createdSlugs = created, updatedSlugs = updated }, at);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new([], created.Count, updated.Count, unchanged);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused("A product in the file was changed by someone else while importing. Nothing was imported: import the file again.");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Refused("A slug in the file was taken by another change while importing. Nothing was imported: import the file again.");
        }
    }

    /// <summary>The product's fields as the audit log keeps them, with whether it is on sale.</summary>
    private static JsonObject Snapshot(ProductDetails details, bool active)
    {
        var fields = JsonSerializer.SerializeToNode(details.ForAudit(), Json)!.AsObject();
        fields["active"] = active;
        return fields;
    }

    private static Outcome Refused(string why) => new([new CatalogImportProblem(null, null, [why])], 0, 0, 0);

    /// <summary>"3 created, 2 updated, 10 unchanged".</summary>
    public static string Describe(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Created} created, {outcome.Updated} updated, {outcome.Unchanged} unchanged");
    }
}
