using System.Diagnostics;
using System.Net;
using CoffeeShop.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// Times every HTTP call Stripe.net makes (each of its retries is a call of its own) into
/// <c>coffeeshop.stripe.duration</c>, named by the API operation its method and path make.
/// </summary>
public sealed class StripeCallMetrics(ShopMetrics metrics, IOptions<StripeOptions> options) : DelegatingHandler
{
    private static readonly TimeSpan TimeoutSlack = TimeSpan.FromMilliseconds(100);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = OperationOf(request.Method, request.RequestUri?.AbsolutePath ?? "");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.StripeCallEnded(operation, OutcomeOf(response.StatusCode), Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (OperationCanceledException)
        {
            // HttpClient's timeout reaches a handler as a plain cancellation: the time taken tells it from a caller giving up.
            // The timer started before this handler did and ticks in whole milliseconds, so it may fire a little short
            // of the timeout as measured here; a caller giving up within that slack of the timeout is named a timeout too.
            var elapsed = Stopwatch.GetElapsedTime(started);
            var timedOut = elapsed >= TimeSpan.FromSeconds(options.Value.TimeoutSeconds) - TimeoutSlack;
            metrics.StripeCallEnded(operation, timedOut ? "timeout" : "canceled", elapsed);
            throw;
        }
        catch (HttpRequestException)
        {
            metrics.StripeCallEnded(operation, "error", Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    /// <summary>
    /// ok: Stripe did it. refused: Stripe answered no (a declined card, a request it will not take, an object
    /// it does not have), which is the shop's business, not Stripe failing. error: anything else (5xx, 409, 429,
    /// a bad key), the outcome of which the shop cannot trust.
    /// </summary>
    internal static string OutcomeOf(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => "ok",
        400 or 402 or 404 => "refused",
        _ => "error",
    };

    /// <summary>The Stripe API operation of a request, from a short fixed list (a metric's tag must not carry ids).</summary>
    internal static string OperationOf(HttpMethod method, string path)
    {
        var at = path.IndexOf("/v1/", StringComparison.Ordinal);
        var segments = at < 0 ? [] : path[(at + 4)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var post = method == HttpMethod.Post;
        return segments switch
        {
            ["payment_intents"] => post ? "create_payment_intent" : "list_payment_intents",
            ["payment_intents", "search"] => "search_payment_intents",
            ["payment_intents", _] => post ? "update_payment_intent" : "retrieve_payment_intent",
            ["payment_intents", _, "confirm"] => "confirm_payment_intent",
            ["payment_intents", _, "cancel"] => "cancel_payment_intent",
            ["refunds"] => post ? "create_refund" : "list_refunds",
            ["refunds", _] => post ? "update_refund" : "retrieve_refund",
            _ => "other",
        };
    }
}
