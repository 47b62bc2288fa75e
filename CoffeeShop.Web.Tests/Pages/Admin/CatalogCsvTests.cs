using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// The catalog as CSV: exported, edited, imported back. An import is all or nothing: every bad file or row
/// gets a 400 naming the line and what to fix, and leaves every table as it was.
/// </summary>
public class CatalogCsvTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Header = "slug,name,origin,roast,weight_grams,tasting_notes,description,price,active";
    private static readonly string[] Tables = ["products", "product_former_slugs", "stock_movements", "audit_log", "order_lines"];

    private static string Row(string slug = "new-coffee", string name = "New Coffee", string origin = "Nariño, Colombia", string roast = "Light",
        string weight = "250", string notes = "Peach, honey", string description = "A new lot.", string price = "15.00", string active = "true") =>
        string.Join(",", new[] { slug, name, origin, roast, weight, notes, description, price, active }.Select(Quote));

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static byte[] Csv(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient admin, byte[] bytes)
    {
        var page = await admin.GetDocumentAsync("/Admin/Products/Import");
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(page.Form("#import-form").AntiforgeryToken()), "__RequestVerificationToken");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new("text/csv");
        content.Add(file, "file", "products.csv");
        return await admin.PostAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Products/Import"), content);
    }

    private static async Task<string> ExportAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/Admin/Products/Export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<IDocument> ImportedAsync(HttpClient admin, byte[] bytes)
    {
        var response = await ImportAsync(admin, bytes);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"the import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await admin.FollowRedirectAsync(response);
    }

    private static string Notice(IDocument page) => page.QuerySelector(".notice")!.TextContent.Trim();

    [Fact]
    public async Task Get_Export_IsEveryProductAsAnAttachedCsvFile()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "sumatra-gayo").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var response = await admin.GetAsync("/Admin/Products/Export");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches("^attachment; filename=\"products-\\d{8}\\.csv\"$", response.Content.Headers.ContentDisposition!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Header, lines[0]);
        Assert.Equal(9, lines.Length);
        Assert.Contains("kiambu-aa,Kiambu AA,\"Kiambu, Kenya\",Light,250,\"Blackcurrant, grapefruit, cane sugar\",SL28 and SL34 washed at the Karing'a factory. Juicy and vivid; best as pour-over.,16.90,true", lines);
        Assert.StartsWith("sumatra-gayo,", lines.Single(l => l.EndsWith(",false", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_TheExportedFile_ChangesNothingEvenWithFormulaLikeText()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Description, "=1+1 is not a formula here")
                .SetProperty(p => p.TastingNotes, "'=quoted, @home")
                .SetProperty(p => p.Name, "'Kiambu' AA"));
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var exported = await ExportAsync(admin);
        Assert.Contains(",'=1+1 is not a formula here,", exported, StringComparison.Ordinal);
        var before = await TableSnapshot.TakeAsync("products", "product_former_slugs", "stock_movements");

        var page = await ImportedAsync(admin, Encoding.UTF8.GetBytes(exported));

        Assert.Equal("Imported: 0 created, 0 updated, 8 unchanged.", Notice(page));
        Assert.Equal(before, await TableSnapshot.TakeAsync("products", "product_former_slugs", "stock_movements"));
        await using var check = Db();
        var audit = await check.AuditLog.SingleAsync(a => a.Action != AuditAction.SignIn);
        Assert.Equal(AuditAction.CatalogImported, audit.Action);
        Assert.Equal("catalog import", audit.Subject);
    }

    [Fact]
    public async Task Import_NewAndChangedRows_CreatesWithNoStockUpdatesAndAuditsEach()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var kiambu = Row("kiambu-aa", "Kiambu AA", "Kiambu, Kenya", "Light", "250", "Blackcurrant, grapefruit, cane sugar",
            "SL28 and SL34 washed at the Karing'a factory. Juicy and vivid; best as pour-over.", "17.50", "true");

        var page = await ImportedAsync(admin, Csv(Header, Row(), kiambu, Row("dark-horse", "Dark Horse", roast: "dark", price: "9.90", active: "false")));

        Assert.Equal("Imported: 2 created, 1 updated, 0 unchanged.", Notice(page));
        await using var db = Db();
        var created = await db.Products.SingleAsync(p => p.Slug == "new-coffee");
        Assert.Equal((0, 0, 1500L, "EUR", true, Roast.Light), (created.Stock, created.Reserved, created.PriceMinor, created.Currency, created.IsActive, created.Roast));
        Assert.False(await db.Products.Where(p => p.Slug == "dark-horse").Select(p => p.IsActive).SingleAsync());
        Assert.Equal(1750, await db.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.PriceMinor).SingleAsync());
        Assert.Equal(0, await db.StockMovements.CountAsync(m => m.ProductId == created.Id));

        var audit = await db.AuditLog.Where(a => a.Action != AuditAction.SignIn).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["product new-coffee", "product kiambu-aa", "product dark-horse", "catalog import"], audit.Select(a => a.Subject));
        Assert.Equal([AuditAction.ProductCreated, AuditAction.ProductChanged, AuditAction.ProductCreated, AuditAction.CatalogImported], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin@coffeeshop.test", a.Actor));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("{\"price\":\"€16.90\"}"), System.Text.Json.Nodes.JsonNode.Parse(audit[1].Before!)), audit[1].Before);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("{\"price\":\"€17.50\"}"), System.Text.Json.Nodes.JsonNode.Parse(audit[1].After!)), audit[1].After);
        using var summary = JsonDocument.Parse(audit[3].After!);
        Assert.Equal(2, summary.RootElement.GetProperty("created").GetInt32());

        var catalog = await Factory.CreateBrowserClient().GetDocumentAsync("/");
        var names = catalog.QuerySelectorAll(".card h2").Select(h => h.TextContent.Trim()).ToList();
        Assert.Contains("New Coffee", names);
        Assert.DoesNotContain("Dark Horse", names);
    }

    [Fact]
    public async Task Import_APriceChange_LeavesExistingOrderLinesAlone()
    {
        long lineId;
        await using (var db = Db())
        {
            var record = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow, amount: 1690);
            lineId = await db.OrderLines.Where(l => l.OrderId == record.OrderId).Select(l => l.Id).SingleAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var exported = await ExportAsync(admin);
        var cheaper = exported.Replace(",16.90,true", ",9.99,true", StringComparison.Ordinal).Replace(",14.50,true", ",9.98,true", StringComparison.Ordinal);
        await ImportedAsync(admin, Encoding.UTF8.GetBytes(cheaper));

        await using var check = Db();
        var line = await check.OrderLines.SingleAsync(l => l.Id == lineId);
        Assert.Equal((1690L, 1690L), (line.UnitPriceMinor, line.LineTotalMinor));
        Assert.Equal(999, await check.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.PriceMinor).SingleAsync());
    }

    [Fact]
    public async Task Import_MarkupInADescription_IsKeptAndShownEscaped()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        await ImportedAsync(admin, Csv(Header, Row(description: "<script>alert('x')</script> <b>bold</b>")));

        var html = await (await Factory.CreateBrowserClient().GetAsync("/Products/new-coffee")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    public static TheoryData<string> BadFiles => [.. BadFileCases.Keys];

    /// <summary>Each bad file: its bytes, what the message says, and the lines it names (none for a problem with the whole file).</summary>
    private static readonly Dictionary<string, (Func<byte[]> Bytes, string Says, int[] Lines)> BadFileCases = new()
    {
        ["formula cell"] = (() => Csv(Header, Row(name: "=HYPERLINK(\"http://evil.example\",\"Click\")")), "runs as a formula", [2]),
        ["formula cell after spaces"] = (() => Csv(Header, Row(description: "  +cmd|' /C calc'!A0")), "runs as a formula", [2]),
        ["formula cell with @"] = (() => Csv(Header, Row(), Row("other", notes: "@SUM(A1)")), "runs as a formula", [3]),
        ["missing column"] = (() => Csv(Header.Replace(",price", "", StringComparison.Ordinal), "new-coffee,New Coffee,Peru,Light,250,Plum,Nice.,true"), "lacks the column price", []),
        ["extra unknown column"] = (() => Csv(Header + ",stock", Row() + ",100"), "does not import: stock", []),
        ["column named twice"] = (() => Csv(Header + ",price", Row() + ",16.00"), "names price more than once", []),
        ["semicolons"] = (() => Csv(Header.Replace(',', ';'), Row().Replace(',', ';')), "with commas", []),
        ["duplicate slugs"] = (() => Csv(Header, Row(), Row("kiambu-aa", price: "16.90"), Row(name: "Same Slug Again")), "is also on line", [2, 4]),
        ["100,000 rows"] = (() => Csv([Header, .. Enumerable.Range(0, 100_000).Select(i => Row($"coffee-{i}"))]), "larger than 2 MB", []),
        ["100,000 short rows"] = (() => Csv([Header, .. Enumerable.Repeat(",,,,,,,,", 100_000)]), "more than 1000 products", []),
        ["empty file"] = (() => [], "The file is empty", []),
        ["blank lines only"] = (() => Encoding.UTF8.GetBytes("\uFEFF\r\n\r\n  \r\n"), "The file is empty", []),
        ["header only"] = (() => Csv(Header), "header but no products", []),
        ["PNG bytes"] = (() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], "not a CSV text file", []),
        ["UTF-16 text"] = (() => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Header + "\r\n" + Row())], "not a CSV text file", []),
        ["NUL in text"] = (() => Csv(Header, Row(name: "New\0Coffee")), "not a CSV text file", []),
        ["price 0"] = (() => Csv(Header, Row(price: "0")), "price: Enter the price", [2]),
        ["price -1"] = (() => Csv(Header, Row(price: "-1")), "price: Enter the price", [2]),
        ["price 10^12"] = (() => Csv(Header, Row(price: "1000000000000")), "price:", [2]),
        ["price with a comma"] = (() => Csv(Header, Row(price: "14,50")), "price:", [2]),
        ["slug with slash"] = (() => Csv(Header, Row(slug: "coffee/../admin")), "slug: Use only lower-case letters", [2]),
        ["slug with Cyrillic a"] = (() => Csv(Header, Row(slug: "kiаmbu-aa")), "slug: Use only lower-case letters", [2]),
        ["empty slug"] = (() => Csv(Header, Row(slug: "")), "slug: Enter the slug", [2]),
        ["bad roast"] = (() => Csv(Header, Row(roast: "Burnt")), "roast: Choose the roast", [2]),
        ["weight 0"] = (() => Csv(Header, Row(weight: "0")), "weight_grams:", [2]),
        ["active yes"] = (() => Csv(Header, Row(active: "yes")), "active: enter true or false", [2]),
        ["name with a line break"] = (() => Csv(Header, Row(name: "New\nCoffee")), "name: Remove the line breaks", [2]),
        ["over-long description"] = (() => Csv(Header, Row(description: new string('x', 2001))), "description: Shorten", [2]),
        ["row with too few cells"] = (() => Csv(Header, Row(), "short-row,Short,Peru"), "The row has 3 cells; the header has 9 columns", [3]),
        ["unclosed quote"] = (() => Csv(Header, Row(), "\"broken,Name,Peru,Light,250,Plum,Nice.,12.00,true", "after,Name,Peru,Light,250,Plum,Nice.,12.00,true"), "never closed", [3]),
        ["stray quote"] = (() => Csv(Header, Row(name: "5\" bag").Replace("\"5\"\" bag\"", "5\" bag", StringComparison.Ordinal)), "A quote inside a cell", [2]),
        ["one good row and one bad"] = (() => Csv(Header, Row(), Row("second", price: "abc")), "price:", [3]),
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_BadFile_Answers400NamingTheRowsAndWritesNothing(string name)
    {
        var (bytes, says, lines) = BadFileCases[name];
        var admin = await AdminSession.SignInAsync(Factory);
        var before = await TableSnapshot.TakeAsync(Tables);

        var response = await ImportAsync(admin, bytes());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        var problems = page.QuerySelector("#import-problems")!;
        Assert.Contains("Nothing was imported", problems.TextContent, StringComparison.Ordinal);
        Assert.True(problems.TextContent.Contains(says, StringComparison.Ordinal), problems.TextContent);
        var named = problems.QuerySelectorAll("li strong").Select(s => s.TextContent).ToList();
        Assert.Equal(lines, named.Select(n => int.Parse(n.Split(' ', ':', '(')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
    }

    [Fact]
    public async Task Import_ASlugThatWasAnotherProductsAddress_IsRefusedAndWritesNothing()
    {
        await using (var db = Db())
        {
            var kiambu = await db.Products.SingleAsync(p => p.Slug == "kiambu-aa");
            db.ProductFormerSlugs.Add(new ProductFormerSlug { Slug = "kiambu-old", ProductId = kiambu.Id, RetiredAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var before = await TableSnapshot.TakeAsync(Tables);

        var response = await ImportAsync(admin, Csv(Header, Row(), Row("kiambu-old", "Imposter")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = (await HtmlForms.ParseAsync(response)).QuerySelector("#import-problems")!.TextContent;
        Assert.Contains("Line 3 (kiambu-old)", problems, StringComparison.Ordinal);
        Assert.Contains("was the address of Kiambu AA, which is now kiambu-aa", problems, StringComparison.Ordinal);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
    }

    [Fact]
    public async Task Import_TwoAdminsImportTheSameNewProductAtOnce_CreatesItOnce()
    {
        var first = await AdminSession.SignInAsync(Factory);
        var second = await AdminSession.SignInAsync(Factory, "other@coffeeshop.test");
        var file = Csv(Header, Row(), Row("second-new", "Second New"));

        var responses = await Task.WhenAll(ImportAsync(first, file), ImportAsync(second, file));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        await using var db = Db();
        Assert.Equal(1, await db.Products.CountAsync(p => p.Slug == "new-coffee"));
        Assert.Equal(2, await db.AuditLog.CountAsync(a => a.Action == AuditAction.ProductCreated));
        Assert.Equal(2, await db.AuditLog.CountAsync(a => a.Action == AuditAction.CatalogImported));
    }

    [Fact]
    public async Task Import_AFileBeyondWhatTheServerReads_IsRefusedWithA4xxAndWritesNothing()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var before = await TableSnapshot.TakeAsync(Tables);

        var response = await ImportAsync(admin, new byte[12 * 1024 * 1024]);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
    }

    [Fact]
    public async Task Import_WithoutAFile_AsksForOne()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Products/Import");
        Assert.NotNull(page.QuerySelector("label[for=import-file]"));

        var response = await admin.SubmitAsync(page.Form("#import-form"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Choose a CSV file", (await HtmlForms.ParseAsync(response)).QuerySelector("#import-problems")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAndExport_NonAdmin_IsForbidden_AndAnonymous_IsSentToSignIn()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var token = (await admin.GetDocumentAsync("/Admin/Products/Import")).Form("#import-form").AntiforgeryToken();
        var staff = await AdminSession.SignInAsync(Factory, "shopper@coffeeshop.test", admin: false);
        var before = await TableSnapshot.TakeAsync(Tables);

        foreach (var (client, expected) in new[] { (staff, HttpStatusCode.Forbidden), (Factory.CreateBrowserClient(), HttpStatusCode.Redirect) })
        {
            using var content = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new ByteArrayContent(Csv(Header, Row())), "file", "products.csv" },
            };
            Assert.Equal(expected, (await client.PostAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Products/Import"), content)).StatusCode);
            Assert.Equal(expected, (await client.GetAsync("/Admin/Products/Export")).StatusCode);
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
    }
}
