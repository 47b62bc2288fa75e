using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Invoicing;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>The seller and the customer a document names (<c>_DocumentParties</c>).</summary>
public sealed record DocumentParties(InvoicingOptions Seller, Order Order, string CustomerHeading);
