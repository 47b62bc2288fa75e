using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// Stands in for the bank's 3-D Secure page that <c>next_action</c> sends the customer to.
/// <c>GET /3ds/{pi}</c> shows "Complete" and "Fail"; <c>/3ds/{pi}/complete</c> and
/// <c>/3ds/{pi}/fail</c> (POST from the page's forms, or GET from a plain link) settle the
/// PaymentIntent and redirect (302) to its return_url with <c>payment_intent</c>,
/// <c>payment_intent_client_secret</c> and <c>redirect_status</c>, as Stripe does.
/// </summary>
internal sealed class ThreeDSecurePage(FakeStripeLedger ledger)
{
    public Task<int> HandleAsync(HttpContext context) =>
        context.Request.Path.Value!.Trim('/').Split('/') switch
        {
            ["3ds", var id] when HttpMethods.IsGet(context.Request.Method) => ShowAsync(context, id),
            ["3ds", var id, "complete"] => FinishAsync(context, id, succeed: true),
            ["3ds", var id, "fail"] => FinishAsync(context, id, succeed: false),
            _ => HtmlAsync(context, 404, "Not found", "<p>No such page on the fake bank.</p>"),
        };

    private Task<int> ShowAsync(HttpContext context, string id)
    {
        if (ledger.FindIntent(id) is not { } intent)
        {
            return HtmlAsync(context, 404, "Unknown payment", $"<p>No such payment_intent: {Encode(id)}</p>");
        }

        var amount = intent.Amount.ToString(CultureInfo.InvariantCulture);
        return HtmlAsync(context, 200, "3-D Secure test page", $"""
            <p>Authenticate the payment <code>{Encode(intent.Id)}</code> of {amount} {Encode(intent.Currency.ToUpperInvariant())} (minor units).</p>
            <p>Status: <span id="status">{Encode(intent.Status)}</span></p>
            <form method="post" action="/3ds/{Encode(intent.Id)}/complete"><button type="submit" id="complete">Complete</button></form>
            <form method="post" action="/3ds/{Encode(intent.Id)}/fail"><button type="submit" id="fail">Fail</button></form>
            """);
    }

    private async Task<int> FinishAsync(HttpContext context, string id, bool succeed)
    {
        // A second click finds the PaymentIntent already settled; it still goes back to the shop.
        ledger.CompleteAuthentication(id, succeed);
        if (ledger.FindIntent(id) is not { } intent)
        {
            return await HtmlAsync(context, 404, "Unknown payment", $"<p>No such payment_intent: {Encode(id)}</p>");
        }

        var redirectStatus = intent.Status switch
        {
            "succeeded" => "succeeded",
            "processing" => "processing",
            _ => "failed",
        };
        if (intent.ReturnUrl is null)
        {
            return await HtmlAsync(context, 200, "Authentication finished", $"<p>Status: <span id=\"status\">{Encode(intent.Status)}</span></p>");
        }

        context.Response.StatusCode = 302;
        context.Response.Headers.Location = QueryHelpers.AddQueryString(intent.ReturnUrl, new Dictionary<string, string?>
        {
            ["payment_intent"] = intent.Id,
            ["payment_intent_client_secret"] = intent.ClientSecret,
            ["redirect_status"] = redirectStatus,
        });
        return 302;
    }

    private static async Task<int> HtmlAsync(HttpContext context, int status, string title, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Fake bank: {Encode(title)}</title></head>
            <body>
            <h1>{Encode(title)}</h1>
            {body}
            </body>
            </html>
            """);
        return status;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
