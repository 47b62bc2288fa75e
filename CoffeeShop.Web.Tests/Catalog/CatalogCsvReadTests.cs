using System.Text;
using CoffeeShop.Web.Catalog;

namespace CoffeeShop.Web.Tests.Catalog;

/// <summary>The import's reader on its own: whatever bytes arrive, it answers rows or problems, never an exception.</summary>
public class CatalogCsvReadTests
{
    private const string Header = "slug,name,origin,roast,weight_grams,tasting_notes,description,price,active";

    [Fact]
    public void Read_RandomTextAndBytes_AlwaysAnswersRowsOrProblems()
    {
        var random = new Random(15);
        const string alphabet = "ab-,\"'\r\n =+@\t;é😀0123456789.";
        for (var i = 0; i < 2000; i++)
        {
            byte[] bytes;
            if (i % 3 == 0)
            {
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
            }
            else
            {
                var text = new StringBuilder(i % 2 == 0 ? Header + "\r\n" : "");
                var length = random.Next(0, 300);
                for (var c = 0; c < length; c++)
                {
                    text.Append(alphabet[random.Next(alphabet.Length)]);
                }

                bytes = Encoding.UTF8.GetBytes(text.ToString());
            }

            var file = CatalogCsv.Read(bytes, "EUR");

            Assert.True(file.CanImport || file.Problems.Count > 0);
            Assert.All(file.Problems, p => Assert.NotEmpty(p.Messages));
        }
    }

    [Fact]
    public void Read_ExcelStyleFile_WithByteOrderMarkAndUpperCaseHeader_IsRead()
    {
        var bytes = Encoding.UTF8.GetBytes("\uFEFF" + Header.ToUpperInvariant() + "\r\nnew-coffee,New Coffee,Peru,light,250,Plum,Nice.,12.00,TRUE\r\n");

        var file = CatalogCsv.Read(bytes, "EUR");

        Assert.True(file.CanImport, string.Join(" ", file.Problems.SelectMany(p => p.Messages)));
        var row = Assert.Single(file.Rows);
        Assert.Equal((2, "new-coffee", 1200L, true), (row.Line, row.Details.Slug, row.Details.Price.Minor, row.IsActive));
    }

    [Fact]
    public void Read_ExportEscapedCells_LoseTheirApostropheAndKeepTheRest()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\r\nnew-coffee,'=Name,'Origin,Light,250,''=notes,'-description,12.00,true\r\n");

        var row = Assert.Single(CatalogCsv.Read(bytes, "EUR").Rows);

        Assert.Equal(("=Name", "'Origin", "'=notes", "-description"), (row.Details.Name, row.Details.Origin, row.Details.TastingNotes, row.Details.Description));
    }
}
