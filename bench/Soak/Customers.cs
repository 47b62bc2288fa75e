using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// What customers do: browse; fill a cart and pay with every card the fake Stripe knows (success,
/// declines, 3-D Secure finished, failed or left open, payments that stay processing and then settle or
/// fail); pay one cart from two tabs at once; buy the scarce coffee until it runs out. Each outcome is
/// followed by the events Stripe would send about it (<see cref="StripeWorld.Emit"/>: late, twice, out of order).
/// </summary>
internal sealed partial class Customers(
    Shop shop, StripeWorld stripe, PaidOrders paid, Counters counters, IReadOnlyList<string> catalog, string scarce, CancellationToken world)
{
    // Weighted: mostly cards that pay; every other outcome often enough to meet each fault.
    private static readonly (string Token, int Weight)[] Cards =
    [
        ("pm_card_visa", 30), ("pm_card_mastercard", 8),
        ("pm_card_visa_chargeDeclined", 4), ("pm_card_visa_chargeDeclinedInsufficientFunds", 3), ("pm_card_chargeDeclinedExpiredCard", 2),
        ("pm_card_chargeDeclinedIncorrectCvc", 2), ("pm_card_chargeDeclinedProcessingError", 2),
        ("pm_card_authenticationRequired_redirect", 8), ("pm_card_threeDSecure2Required", 6),
        ("test_processing", 12),
    ];

    private readonly ConcurrentDictionary<Task, byte> _later = new();
    private int _customerNumber;

    public async Task VisitAsync(int who, CancellationToken cancellationToken)
    {
        counters.Add("visit");
        var roll = Random.Shared.Next(100);
        if (roll < 30)
        {
            await BrowseAsync(cancellationToken);
        }
        else if (roll < 40)
        {
            await TwoTabsAsync(cancellationToken);
        }
        else if (roll < 48)
        {
            await BuyAsync(scarce, "pm_card_visa", cancellationToken);
        }
        else
        {
            await BuyAsync(catalog[Random.Shared.Next(catalog.Count)], PickCard(), cancellationToken);
        }
    }

    private async Task BrowseAsync(CancellationToken cancellationToken)
    {
        var customer = new Customer();
        await shop.GetPageAsync(customer, "/", "catalog", cancellationToken);
        for (var i = Random.Shared.Next(1, 4); i > 0; i--)
        {
            await shop.GetPageAsync(customer, $"/Products/{catalog[Random.Shared.Next(catalog.Count)]}", "product", cancellationToken);
        }

        await shop.GetPageAsync(customer, "/Cart", "cart", cancellationToken);
        counters.Add("browsed");
    }

    private async Task BuyAsync(string slug, string card, CancellationToken cancellationToken)
    {
        var (customer, email) = NewCustomer();
        if (!await FillCartAsync(customer, slug, Random.Shared.Next(1, 3), cancellationToken))
        {
            return;
        }

        var form = await CheckoutFormAsync(customer, email, card, cancellationToken);
        using var answer = await shop.SendAsync(customer, HttpMethod.Post, "/Checkout", "checkout-post", form, cancellationToken: cancellationToken);
        await FollowAsync(customer, email, card, answer, cancellationToken);
    }

    /// <summary>One cart, two checkout tabs, both posted at once: one order may be charged, never two.</summary>
    private async Task TwoTabsAsync(CancellationToken cancellationToken)
    {
        var (customer, email) = NewCustomer();
        if (!await FillCartAsync(customer, catalog[Random.Shared.Next(catalog.Count)], 1, cancellationToken))
        {
            return;
        }

        var first = await CheckoutFormAsync(customer, email, "pm_card_visa", cancellationToken);
        var second = await CheckoutFormAsync(customer, email, "pm_card_visa", cancellationToken);
        var posts = new[] { first, second }.Select(f => shop.SendAsync(customer.Copy(), HttpMethod.Post, "/Checkout", "checkout-post", f, cancellationToken: cancellationToken)).ToArray();
        var answers = await Task.WhenAll(posts);
        counters.Add("two-tab checkout");
        foreach (var answer in answers)
        {
            using (answer)
            {
                await FollowAsync(customer, email, "pm_card_visa", answer, cancellationToken);
            }
        }
    }

    /// <summary>
    /// What the customer sees after posting, and what Stripe does next: the order page, a decline, 3-D
    /// Secure, a payment left processing. Events follow each outcome.
    /// </summary>
    private async Task FollowAsync(Customer customer, string email, string card, HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        var status = (int)answer.StatusCode;
        var location = answer.Headers.Location?.OriginalString ?? "";
        if (status == 400)
        {
            var page = await answer.Content.ReadAsStringAsync(cancellationToken);
            counters.Add(page.Contains("sold out", StringComparison.OrdinalIgnoreCase) ? "checkout: told sold out" : "checkout: declined or form stale");
            await EmitLatestAsync(email, "payment_intent.payment_failed", "requires_payment_method", cancellationToken);
            return;
        }

        if (status != 303)
        {
            counters.Add($"checkout: answered {status}");
            throw new SoakRequestException($"POST /Checkout answered {status}");
        }

        if (location.Contains("/3ds/", StringComparison.Ordinal) || location.StartsWith("/Checkout/Authenticate", StringComparison.Ordinal))
        {
            if (location.StartsWith('/'))
            {
                await shop.GetPageAsync(customer, location, "authenticate", cancellationToken);
            }

            await AuthenticateAsync(customer, email, cancellationToken);
            return;
        }

        if (!location.StartsWith("/Orders/", StringComparison.Ordinal))
        {
            counters.Add("checkout: sent elsewhere");
            return;
        }

        var order = await OrderAsync(customer, location, cancellationToken);
        if (card == "test_processing")
        {
            counters.Add("checkout: processing");
            Later(SettleProcessingAsync(email, order, cancellationToken));
            return;
        }

        counters.Add("checkout: paid (or being confirmed)");
        await EmitLatestAsync(email, "payment_intent.succeeded", "succeeded", cancellationToken);
        paid.Add(order);
    }

    public async Task DrainAsync(TimeSpan limit) => await Task.WhenAny(Task.WhenAll(_later.Keys), Task.Delay(limit));

    // ---------------------------------------------------------------------------------------------

    private (Customer Customer, string Email) NewCustomer() =>
        (new Customer(), string.Create(CultureInfo.InvariantCulture, $"customer-{Interlocked.Increment(ref _customerNumber)}-{Guid.NewGuid().ToString("N")[..6]}@soak.example"));

    private async Task<bool> FillCartAsync(Customer customer, string slug, int bags, CancellationToken cancellationToken)
    {
        var page = await shop.GetPageAsync(customer, $"/Products/{slug}", "product", cancellationToken);
        if (!page.Contains("class=\"add\"", StringComparison.Ordinal))
        {
            counters.Add("product page: sold out");
            return false;
        }

        var fields = ShopClient.FormFields(page, "class=\"add\"", out var action);
        using var added = await shop.SendAsync(customer, HttpMethod.Post, action ?? "/Cart?handler=Add", "cart-add",
            Replace(fields, ("Input.Quantity", bags.ToString(CultureInfo.InvariantCulture))), cancellationToken: cancellationToken);
        if (added.StatusCode != HttpStatusCode.SeeOther)
        {
            counters.Add($"add to cart: answered {(int)added.StatusCode}");
            if ((int)added.StatusCode >= 500)
            {
                throw new SoakRequestException($"adding to the cart answered {(int)added.StatusCode}");
            }

            return false;
        }

        return true;
    }

    private async Task<List<KeyValuePair<string, string>>> CheckoutFormAsync(Customer customer, string email, string card, CancellationToken cancellationToken)
    {
        var page = await shop.GetPageAsync(customer, "/Checkout", "checkout", cancellationToken);
        return Replace(ShopClient.FormFields(page, "id=\"checkout-form\"", out _),
            ("Input.Email", email), ("Input.Name", "Soak Customer"), ("Input.Line1", "Röstereistraße 1"), ("Input.Line2", ""),
            ("Input.PostalCode", "10115"), ("Input.City", "Berlin"), ("Input.Country", "DE"), ("Input.Phone", ""),
            ("Input.ConfirmationToken", "ctoken_" + card));
    }

    private async Task<PaidOrder> OrderAsync(Customer customer, string path, CancellationToken cancellationToken)
    {
        var page = await shop.GetPageAsync(customer, path, "order", cancellationToken);
        var reference = OrderReference().Match(page);
        return reference.Success
            ? new PaidOrder(long.Parse(reference.Groups[1].Value, CultureInfo.InvariantCulture), path["/Orders/".Length..])
            : throw new SoakRequestException($"the order page {path} shows no reference");
    }

    /// <summary>The event Stripe sends about the customer's latest PaymentIntent, when it is in the expected status.</summary>
    private async Task EmitLatestAsync(string email, string type, string status, CancellationToken cancellationToken)
    {
        var intents = await stripe.PaymentIntentsOfCustomerAsync(email, cancellationToken);
        if (intents.Count > 0 && intents[^1].Status == status)
        {
            Emit(type, await stripe.PaymentIntentAsync(intents[^1].Id, cancellationToken));
        }
    }

    private void Emit(string type, JsonNode obj) => stripe.Emit(type, obj, Delay(), Random.Shared.Next(100) < 10, world);

    /// <summary>Most events within a few seconds; some late, by up to 40 s.</summary>
    private static TimeSpan Delay() => Random.Shared.Next(100) < 15
        ? TimeSpan.FromSeconds(Random.Shared.Next(10, 40))
        : TimeSpan.FromMilliseconds(Random.Shared.Next(100, 3000));

    private void Later(Task work)
    {
        _later[work] = 0;
        _ = work.ContinueWith(t =>
        {
            _later.TryRemove(t, out _);
            if (t.IsFaulted)
            {
                counters.Add($"settling given up ({t.Exception!.InnerException!.GetType().Name})");
            }
        }, TaskScheduler.Default);
    }

    private static string PickCard()
    {
        var roll = Random.Shared.Next(Cards.Sum(c => c.Weight));
        foreach (var (token, weight) in Cards)
        {
            if ((roll -= weight) < 0)
            {
                return token;
            }
        }

        return Cards[0].Token;
    }

    internal static List<KeyValuePair<string, string>> Replace(List<KeyValuePair<string, string>> fields, params (string Name, string Value)[] values)
    {
        var names = values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var result = fields.Where(f => !names.Contains(f.Key)).ToList();
        result.AddRange(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
        return result;
    }

    [GeneratedRegex("id=\"order-reference\">CS-(\\d+)<")]
    private static partial Regex OrderReference();
}
