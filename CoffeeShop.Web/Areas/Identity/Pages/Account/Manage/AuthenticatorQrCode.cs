using System.Globalization;
using System.Text;
using QRCoder;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account.Manage;

/// <summary>
/// An otpauth:// address as a QR code the page draws itself: the modules (quiet zone included) as one SVG
/// path in a square view box, so the markup carries attributes only, nothing the CSP could refuse
/// (no style attribute, no script, no data: image), and scales sharply at any size.
/// </summary>
public sealed record AuthenticatorQrCode(int Size, string Path)
{
    public static AuthenticatorQrCode Of(string text)
    {
        using var generator = new QRCodeGenerator();
        // Level M survives a phone camera's glare and smudges and keeps the code small enough to scan off a laptop screen.
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var rows = data.ModuleMatrix;
        var path = new StringBuilder();
        for (var y = 0; y < rows.Count; y++)
        {
            // One rectangle per run of dark modules in a row.
            for (var x = 0; x < rows[y].Length; x++)
            {
                if (!rows[y][x])
                {
                    continue;
                }

                var start = x;
                while (x + 1 < rows[y].Length && rows[y][x + 1])
                {
                    x++;
                }

                path.Append(CultureInfo.InvariantCulture, $"M{start} {y}h{x - start + 1}v1h-{x - start + 1}z");
            }
        }

        return new AuthenticatorQrCode(rows.Count, path.ToString());
    }
}
