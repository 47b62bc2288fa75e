using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace CoffeeShop.Web.Payments.Stripe;

public static class StripeWebhookEndpoint
{
    private const int MaxPayloadBytes = 512 * 1024;

    /// <summary>
    /// <c>POST /webhooks/stripe</c>: no antiforgery (Stripe is not a browser); the signature over the raw
    /// body is the authentication. 400 for a bad or stale signature, 503 when no secret is configured; the
    /// receiver logs those refusals sampled, the request log at Debug (anyone can post here, any number of times).
    /// </summary>
    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", async (HttpRequest request, StripeWebhookReceiver handler, CancellationToken cancellationToken) =>
        {
            if (request.ContentLength > MaxPayloadBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            // Events are a few kilobytes; a chunked body without a length is cut off at the same size.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxPayloadBytes;
            }

            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(cancellationToken);
            var answer = await handler.ReceiveAsync(json, request.Headers["Stripe-Signature"].ToString(), cancellationToken);
            return answer switch
            {
                WebhookAnswer.Processed or WebhookAnswer.Duplicate => Results.Ok(),
                WebhookAnswer.BadSignature => Results.BadRequest(),
                WebhookAnswer.NotConfigured => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
                _ => Results.StatusCode(StatusCodes.Status500InternalServerError),
            };
        })
        .DisableAntiforgery()
        // Stripe reads the status, not an error page; and a flood of refusals should cost no page rendering
        // (re-executed, the error page would also hide this endpoint's [LogsOwnRefusals] from the request log).
        .WithMetadata(new SkipStatusCodePagesAttribute(), new LogsOwnRefusalsAttribute());
        return app;
    }
}
