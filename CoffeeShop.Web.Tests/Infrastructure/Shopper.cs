using System.Globalization;
using System.Net;
using AngleSharp.Dom;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>A customer with a browser: walks the shop's pages and posts their real forms.</summary>
public sealed class Shopper(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public async Task<HttpResponseMessage> AddToCartAsync(string slug, int quantity = 1)
    {
        var page = await Client.GetDocumentAsync($"/Products/{slug}");
        var response = await Client.SubmitAsync(page.Form("form.add"), new Dictionary<string, string?>
        {
            ["Input.Quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
        });
        return response;
    }

    public Task<IDocument> CheckoutPageAsync() => Client.GetDocumentAsync("/Checkout");

    /// <summary>
    /// Submits the checkout form as Stripe.js would, with a ConfirmationToken id in the hidden field, after typing
    /// the email and the address (<see cref="DeliveryAddress.Berlin"/> unless another is given). <paramref name="extra"/>
    /// is applied last: it can change or remove (null) any field.
    /// </summary>
    public async Task<HttpResponseMessage> PayAsync(string confirmationToken, string email = "ada@example.com",
        IReadOnlyDictionary<string, string?>? extra = null, IDocument? checkoutPage = null, DeliveryAddress? address = null)
    {
        var page = checkoutPage ?? await CheckoutPageAsync();
        var values = (address ?? DeliveryAddress.Berlin).FormFields();
        values["Input.Email"] = email;
        values["Input.ConfirmationToken"] = confirmationToken;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return await Client.SubmitAsync(page.Form("#checkout-form"), values);
    }

    /// <summary>Follows one redirect and parses the page it leads to.</summary>
    public Task<IDocument> FollowAsync(HttpResponseMessage redirect) => Client.FollowRedirectAsync(redirect);
}
