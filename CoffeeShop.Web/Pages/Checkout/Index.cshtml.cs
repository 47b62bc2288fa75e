using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Checkout;

[LoadsStripeJs]
// Never restored from the back/forward cache: its antiforgery token makes it no-store, kept on purpose (no
// [RestorableFromHistory]): going back to it after paying must ask the shop again, which finds the cart emptied
// and says so, instead of showing a payment form, with its checkout id, for an order already paid.
[NoIndex]
public class IndexModel(CartSession cartSession, CheckoutPayment checkout, PaymentMode mode) : PageModel
{
    public CartView Cart { get; private set; } = null!;
    public PaymentMode Mode => mode;
    public Order? PaymentInFlightFor { get; private set; }

    /// <summary>The country the summary prices shipping for: the form's when the shop ships there, else the price list's default.</summary>
    public string SelectedCountry => Cart.Prices.ShipsTo(Input.Country?.Trim().ToUpperInvariant())
        ? Input.Country!.Trim().ToUpperInvariant()
        : Cart.Prices.DefaultDestination;

    [BindProperty]
    public CheckoutInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadCartAsync(cancellationToken) is { } redirect)
        {
            return redirect;
        }

        await PrepareFormAsync(cancellationToken);
        return Page();
    }

    [RateLimited(RateLimits.CheckoutPosts)]
    [RateLimited(RateLimits.CheckoutPostsPerCart)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var submitted = Input;
        if (await LoadCartAsync(cancellationToken) is { } redirect)
        {
            return redirect;
        }

        // The address is checked with everything else, so every mistake is shown at once and nothing is written.
        ShippingAddressRules.TryRead(submitted.ToAddress(), Cart.Prices, out var shipTo, out var problems);
        foreach (var problem in problems)
        {
            ModelState.AddModelError($"{nameof(Input)}.{problem.Field}", problem.Message);
        }

        if (!ModelState.IsValid || shipTo is null)
        {
            return await InvalidAsync(submitted, cancellationToken);
        }

        if (!Cart.CanBePaid)
        {
            return await InvalidAsync(submitted, cancellationToken);
        }

        if (submitted.CartFingerprint != Cart.Fingerprint)
        {
            ModelState.AddModelError(string.Empty, "This checkout form is out of date: your cart, a price or a shipping rate changed while you were checking out. Please check the new total and pay again.");
            return await InvalidAsync(submitted, cancellationToken);
        }

        var outcome = await checkout.SubmitAsync(new CheckoutSubmission(Cart, submitted.CheckoutId!.Value, submitted.Email!.Trim().ToLowerInvariant(), shipTo, submitted.ConfirmationToken!,
            publicId => Url.PageLink("/Checkout/Return", values: new { order = publicId })!), cancellationToken);
        switch (outcome.Kind)
        {
            case CheckoutOutcomeKind.Declined:
                ModelState.AddModelError(string.Empty, DeclineMessages.For(outcome.DeclineCode));
                return await InvalidAsync(submitted, cancellationToken);
            case CheckoutOutcomeKind.SoldOut:
                ModelState.AddModelError(string.Empty, "Sorry, another customer was quicker: there are not enough bags left for your cart. Nothing was charged.");
                Cart = await cartSession.LoadAsync(cancellationToken);
                return await InvalidAsync(submitted, cancellationToken);
            case CheckoutOutcomeKind.Stale:
                ModelState.AddModelError(string.Empty, "This checkout form is out of date. Please check your order and pay again.");
                return await InvalidAsync(submitted, cancellationToken);
            case CheckoutOutcomeKind.RequiresAction:
                return new SeeOtherResult(outcome.RedirectUrl ?? Url.Page("/Checkout/Authenticate", values: new { order = outcome.OrderPublicId })!);
            default:
                return new SeeOtherResult(Url.Page("/Orders/Details", values: new { publicId = outcome.OrderPublicId })!);
        }
    }

    /// <summary>Loads the cart; a redirect when there is nothing to pay for.</summary>
    private async Task<IActionResult?> LoadCartAsync(CancellationToken cancellationToken)
    {
        Cart = await cartSession.LoadAsync(cancellationToken);
        if (Cart.IsEmpty)
        {
            TempData["Message"] = "Your cart is empty: add some coffee before checking out.";
            return new SeeOtherResult(Url.Page("/Cart/Index")!);
        }

        return null;
    }

    /// <summary>The form's checkout id (the open order's, if any) and fingerprint: only when the page is rendered.</summary>
    private async Task PrepareFormAsync(CancellationToken cancellationToken)
    {
        var (checkoutId, open, inFlight) = await checkout.PrepareAsync(Cart, cancellationToken);
        PaymentInFlightFor = inFlight ? open : null;
        var shipTo = open?.ShipTo;
        Input = new CheckoutInput
        {
            CheckoutId = checkoutId,
            CartFingerprint = Cart.Fingerprint,
            Email = open?.Email,
            Name = shipTo?.Name,
            Line1 = shipTo?.Line1,
            Line2 = shipTo?.Line2,
            PostalCode = shipTo?.PostalCode,
            City = shipTo?.City,
            Country = shipTo?.Country ?? Cart.Prices.DefaultDestination,
            Phone = shipTo?.Phone,
        };
    }

    /// <summary>The page again with the messages; a fresh fingerprint and checkout id, everything the customer typed kept.</summary>
    private async Task<PageResult> InvalidAsync(CheckoutInput submitted, CancellationToken cancellationToken)
    {
        await PrepareFormAsync(cancellationToken);
        // The posted checkout id and fingerprint would otherwise be rendered again (form fields prefer what was posted).
        ModelState.Remove($"{nameof(Input)}.{nameof(CheckoutInput.CheckoutId)}");
        ModelState.Remove($"{nameof(Input)}.{nameof(CheckoutInput.CartFingerprint)}");
        Input = submitted with { CheckoutId = Input.CheckoutId, CartFingerprint = Input.CartFingerprint };
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public sealed record CheckoutInput
    {
        [Required(ErrorMessage = "Enter your email address for the receipt.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address, like name@example.com.")]
        [StringLength(254, ErrorMessage = "That email address is too long.")]
        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Required(ErrorMessage = "Enter your card details (or choose a test scenario) to pay.")]
        [RegularExpression("^ctoken_[A-Za-z0-9_]{1,200}$", ErrorMessage = "Your card details could not be read. Please enter them again.")]
        public string? ConfirmationToken { get; set; }

        [Required(ErrorMessage = "This checkout form is out of date. Please reload the page.")]
        public Guid? CheckoutId { get; set; }

        [Required(ErrorMessage = "This checkout form is out of date. Please reload the page.")]
        [StringLength(64)]
        public string? CartFingerprint { get; set; }

        // The address: checked by ShippingAddressRules, the one home of its rules, not by attributes here.
        public string? Name { get; set; }
        public string? Line1 { get; set; }
        public string? Line2 { get; set; }
        public string? PostalCode { get; set; }
        public string? City { get; set; }
        public string? Country { get; set; }
        public string? Phone { get; set; }

        public AddressInput ToAddress() => new(Name, Line1, Line2, PostalCode, City, Country, Phone);
    }
}
