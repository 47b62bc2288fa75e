using System.Globalization;
using System.Text.Unicode;
using CoffeeShop.Web.Domain;
using CsvHelper;

namespace CoffeeShop.Web.Catalog;

/// <summary>
/// The catalog as a CSV file, written by the export and read back by the import: one row per product,
/// RFC 4180, UTF-8, the price in major units with a dot, active as true/false. Stock is not a column:
/// it changes only through the stock ledger.
/// <para>
/// Formula cells: the export puts an apostrophe before a cell that starts with = + - @, a tab or a CR
/// (and before one that starts with an apostrophe followed by one of those or another apostrophe), so a
/// spreadsheet shows it as text. The import takes that apostrophe off again, and refuses a text cell that
/// starts with = + - or @ without it: such a cell was typed as a formula, not exported by the shop.
/// </para>
/// </summary>
public static class CatalogCsv
{
    public const int MaxRows = 1000;
    public const int MaxBytes = 2 * 1024 * 1024;

    public const string Slug = "slug";
    public const string Name = "name";
    public const string Origin = "origin";
    public const string Roast = "roast";
    public const string WeightGrams = "weight_grams";
    public const string TastingNotes = "tasting_notes";
    public const string Description = "description";
    public const string Price = "price";
    public const string Active = "active";

    public static readonly IReadOnlyList<string> Columns = [Slug, Name, Origin, Roast, WeightGrams, TastingNotes, Description, Price, Active];

    /// <summary>The columns that hold numbers, which ProductRules reads (so "-1" is a bad price, not a formula).</summary>
    private static readonly string[] NumberColumns = [WeightGrams, Price];

    private const string FormulaStarts = "=+-@\t\r";
    private const char TextMark = '\'';

    private static readonly CsvWriterOptions WriterOptions = new() { Injection = CsvInjection.Escape };

    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        Separator = ',',
        HasHeader = true,
        DetectSeparatorHint = false,
        TrackLineNumbers = true,
        AllowLineBreaksInQuotes = true,
        MalformedData = CsvMalformedDataHandling.Recover,
    };

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<Product> products, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(products);
        await using var csv = CsvWriter.Create(output, WriterOptions, leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        await foreach (var p in products.WithCancellation(cancellationToken))
        {
            csv.WriteField(AsText(p.Slug));
            csv.WriteField(AsText(p.Name));
            csv.WriteField(AsText(p.Origin));
            csv.WriteField(p.Roast.ToString());
            csv.WriteField(p.WeightGrams.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(AsText(p.TastingNotes));
            csv.WriteField(AsText(p.Description));
            csv.WriteField(p.Price.ToMajorString());
            csv.WriteField(p.IsActive ? "true" : "false");
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads an uploaded file: every row checked by <see cref="ProductRules"/> and the import's own rules.
    /// The file is at most <see cref="MaxBytes"/> (the page refuses larger ones); reading stops at the first
    /// row past <see cref="MaxRows"/>.
    /// </summary>
    public static CatalogImportFile Read(ReadOnlyMemory<byte> file, string currency)
    {
        var bytes = file.Span;
        if (bytes.Length > MaxBytes)
        {
            return CatalogImportFile.Refused($"The file is larger than {MaxBytes / (1024 * 1024)} MB. Split it into smaller files.");
        }

        if (IsBlank(bytes))
        {
            return CatalogImportFile.Refused("The file is empty. Export the catalog for a file to start from.");
        }

        if (!Utf8.IsValid(bytes) || bytes.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || bytes.IndexOfAnyInRange((byte)14, (byte)31) >= 0 || bytes.IndexOfAny((byte)11, (byte)12) >= 0)
        {
            return CatalogImportFile.Refused("This is not a CSV text file in UTF-8. Save it from your spreadsheet as “CSV UTF-8 (comma delimited)”.");
        }

        var malformed = new Dictionary<long, string>();
        var options = ReaderOptions with { OnMalformedRecord = m => malformed.TryAdd(m.LineNumber, Malformed(m.Reason)) };
        using var reader = CsvReader.Create(file, options);
        var header = reader.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        if (HeaderProblem(header) is { } headerProblem)
        {
            return CatalogImportFile.Refused(headerProblem);
        }

        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);
        var rows = new List<CatalogImportRow>();
        var problems = new List<CatalogImportProblem>();
        var slugs = new List<(int Line, string Slug)>();
        while (reader.Read())
        {
            if (reader.RowNumber > MaxRows)
            {
                return CatalogImportFile.Refused($"The file has more than {MaxRows} products. Split it into files of at most {MaxRows} rows.");
            }

            var line = (int)reader.LineNumber;
            var messages = new List<string>();
            if (malformed.TryGetValue(reader.LineNumber, out var quoting))
            {
                messages.Add(quoting);
            }

            if (reader.FieldCount != header.Count)
            {
                messages.Add($"The row has {reader.FieldCount} {(reader.FieldCount == 1 ? "cell" : "cells")}; the header has {header.Count} columns.");
                var first = reader.GetString(0)?.Trim();
                problems.Add(new(line, ProductRules.IsSlug(first) ? first : null, messages));
                continue;
            }

            string Cell(string column)
            {
                var raw = reader.GetString(index[column]) ?? "";
                if (NumberColumns.Contains(column))
                {
                    return raw;
                }

                if (raw.Length > 1 && raw[0] == TextMark && (FormulaStarts.Contains(raw[1], StringComparison.Ordinal) || raw[1] == TextMark))
                {
                    return raw[1..];
                }

                // Leading spaces are trimmed before the value is kept, so " =…" would be stored as a formula too.
                var start = raw.TrimStart();
                if (start.Length > 0 && "=+-@".Contains(start[0], StringComparison.Ordinal))
                {
                    messages.Add($"{column}: the cell starts with “{start[0]}”, which a spreadsheet runs as a formula. Put an apostrophe (') before it to import it as text.");
                }

                return raw;
            }

            var input = new ProductInput
            {
                Slug = Cell(Slug),
                Name = Cell(Name),
                Origin = Cell(Origin),
                Roast = Cell(Roast),
                WeightGrams = Cell(WeightGrams),
                TastingNotes = Cell(TastingNotes),
                Description = Cell(Description),
                Price = Cell(Price),
            };
            var activeText = Cell(Active).Trim();
            bool? active = activeText.ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
            if (active is null)
            {
                messages.Add($"{Active}: enter true or false.");
            }

            ProductRules.TryRead(input, currency, out var details, out var fieldProblems);
            messages.AddRange(fieldProblems.Select(p => $"{ColumnOf(p.Field)}: {p.Message}"));
            var slug = details?.Slug ?? input.Slug?.Trim();
            if (ProductRules.IsSlug(slug))
            {
                slugs.Add((line, slug!));
            }

            if (messages.Count > 0 || details is null || active is null)
            {
                problems.Add(new(line, ProductRules.IsSlug(slug) ? slug : null, messages));
            }
            else
            {
                rows.Add(new(line, details, active.Value));
            }
        }

        if (rows.Count == 0 && problems.Count == 0)
        {
            return CatalogImportFile.Refused("The file has a header but no products.");
        }

        AddDuplicateSlugs(slugs, rows, problems);
        return new CatalogImportFile(rows, [.. problems.OrderBy(p => p.Line)]);
    }

    /// <summary>The text a spreadsheet shows as it is (see the class remarks).</summary>
    private static string AsText(string value) =>
        value.Length > 0 && (FormulaStarts.Contains(value[0], StringComparison.Ordinal)
            || (value.Length > 1 && value[0] == TextMark && (FormulaStarts.Contains(value[1], StringComparison.Ordinal) || value[1] == TextMark)))
            ? TextMark + value
            : value;

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        return bytes.TrimStart((ReadOnlySpan<byte>)[(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n']).IsEmpty;
    }

    private static string? HeaderProblem(List<string> header)
    {
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        var unknown = header.Where(h => !Columns.Contains(h)).Distinct().ToList();
        var twice = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var problems = new List<string>();
        if (missing.Count > 0)
        {
            var separator = header.Any(h => h.Contains(';', StringComparison.Ordinal) || h.Contains('\t', StringComparison.Ordinal))
                ? " Separate the columns with commas, not semicolons or tabs."
                : "";
            problems.Add($"The header lacks the {(missing.Count == 1 ? "column" : "columns")} {string.Join(", ", missing)}.{separator}");
        }

        if (unknown.Count > 0)
        {
            problems.Add($"The header has {(unknown.Count == 1 ? "a column" : "columns")} the shop does not import: {string.Join(", ", unknown.Select(u => u.Length == 0 ? "(a blank name)" : u))}. Remove {(unknown.Count == 1 ? "it" : "them")} (stock changes only through stock movements).");
        }

        if (twice.Count > 0)
        {
            problems.Add($"The header names {string.Join(", ", twice)} more than once.");
        }

        return problems.Count == 0 ? null : $"{string.Join(" ", problems)} The first line must be: {string.Join(",", Columns)}";
    }

    private static void AddDuplicateSlugs(List<(int Line, string Slug)> slugs, List<CatalogImportRow> rows, List<CatalogImportProblem> problems)
    {
        foreach (var group in slugs.GroupBy(s => s.Slug, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var (line, slug) in group)
            {
                var others = string.Join(", ", group.Where(g => g.Line != line).Select(g => g.Line.ToString(CultureInfo.InvariantCulture)));
                var message = $"slug: {slug} is also on line {others}; each product may appear once.";
                var existing = problems.FindIndex(p => p.Line == line);
                if (existing >= 0)
                {
                    problems[existing] = problems[existing] with { Messages = [.. problems[existing].Messages, message] };
                }
                else
                {
                    rows.RemoveAll(r => r.Line == line);
                    problems.Add(new(line, slug, [message]));
                }
            }
        }
    }

    private static string Malformed(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "A quoted cell is never closed: the rest of the file was read as one cell. Close the quote.",
        CsvMalformedReason.StrayQuote => "A quote inside a cell that does not start with one. Quote the whole cell and double the quote inside (\"\").",
        CsvMalformedReason.TextAfterClosingQuote => "Text after a cell's closing quote. Double the quotes inside a quoted cell (\"\").",
        _ => "The quotes of this row do not pair up.",
    };

    private static string ColumnOf(string field) => field switch
    {
        nameof(ProductInput.Slug) => Slug,
        nameof(ProductInput.Name) => Name,
        nameof(ProductInput.Origin) => Origin,
        nameof(ProductInput.Roast) => Roast,
        nameof(ProductInput.WeightGrams) => WeightGrams,
        nameof(ProductInput.TastingNotes) => TastingNotes,
        nameof(ProductInput.Description) => Description,
        nameof(ProductInput.Price) => Price,
        _ => field,
    };
}

/// <summary>A row of an import that can be a product: its line in the file, its fields and whether it is on sale.</summary>
public sealed record CatalogImportRow(int Line, ProductDetails Details, bool IsActive);

/// <summary>Why a row (or, with no <see cref="Line"/>, the whole file) cannot be imported.</summary>
public sealed record CatalogImportProblem(int? Line, string? Slug, IReadOnlyList<string> Messages);

/// <summary>What an uploaded file holds: the rows to import, and the problems that stop the import (all or nothing).</summary>
public sealed class CatalogImportFile(IReadOnlyList<CatalogImportRow> rows, IReadOnlyList<CatalogImportProblem> problems)
{
    public IReadOnlyList<CatalogImportRow> Rows { get; } = rows;

    public IReadOnlyList<CatalogImportProblem> Problems { get; } = problems;

    public bool CanImport => Problems.Count == 0 && Rows.Count > 0;

    public static CatalogImportFile Refused(string why) => new([], [new CatalogImportProblem(null, null, [why])]);
}
