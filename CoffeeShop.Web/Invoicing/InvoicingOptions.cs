using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Invoicing;

/// <summary>The <c>Invoicing</c> settings section: the seller as invoices and credit notes name it.</summary>
public sealed class InvoicingOptions
{
    public const string Section = "Invoicing";

    [Required(ErrorMessage = "The setting Invoicing:SellerName is missing. Set it in appsettings.json or the environment variable Invoicing__SellerName.")]
    [StringLength(120)]
    public string SellerName { get; set; } = "";

    /// <summary>The seller's postal address; lines separated by new lines (or "\n" in an environment variable).</summary>
    [Required(ErrorMessage = "The setting Invoicing:SellerAddress is missing. Set it in appsettings.json or the environment variable Invoicing__SellerAddress.")]
    [StringLength(400)]
    public string SellerAddress { get; set; } = "";

    [Required(ErrorMessage = "The setting Invoicing:VatId is missing. Set it in appsettings.json or the environment variable Invoicing__VatId.")]
    [StringLength(32)]
    public string VatId { get; set; } = "";

    public IEnumerable<string> SellerAddressLines() =>
        SellerAddress.Replace("\\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
