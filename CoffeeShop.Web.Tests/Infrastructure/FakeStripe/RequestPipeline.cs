using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Stripe;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// What happens to every request, in Stripe's order: record it; planned faults in front of the API
/// (hangs, <see cref="FakeStripeApi.FailBeforeApiNext"/>); API key; idempotency (replay, conflict,
/// in-flight); latency while the key is held; the endpoint, or a planned failure inside it
/// (<see cref="FakeStripeApi.FailNext"/>, saved under the key like any result); the answer with a <c>Request-Id</c>.
/// </summary>
internal sealed class RequestPipeline(
    FakeStripeRoutes routes,
    ThreeDSecurePage threeDSecure,
    IdempotencyStore idempotency,
    FaultPlan faults,
    RequestJournal journal,
    CancellationToken stopping)
{
    /// <summary>A hung request gives up after this even if the client never does, so no test run waits forever.</summary>
    private static readonly TimeSpan HangCap = TimeSpan.FromMinutes(5);

    /// <summary>Status recorded for a request whose client left before an answer (nginx's "client closed request").</summary>
    private const int ClientClosedRequest = 499;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync(context.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var path = request.Path.Value ?? "/";
        var entry = journal.Begin(new RecordedRequest(request.Method, path, request.QueryString.Value?.TrimStart('?') ?? "", form, headers, ResponseStatus: 0));

        var requestId = StripeIds.Request();
        context.Response.Headers["Request-Id"] = requestId;
        var status = ClientClosedRequest;
        try
        {
            if (path.StartsWith("/3ds/", StringComparison.Ordinal))
            {
                status = await threeDSecure.HandleAsync(context);
                return;
            }

            // Stripe reads parameters from the query string and the body alike.
            var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
            foreach (var (key, value) in form)
            {
                parameters[key] = value;
            }

            var apiRequest = new ApiRequest(request.Method, path, parameters, requestId);
            status = path.StartsWith("/v1/", StringComparison.Ordinal)
                ? await HandleApiAsync(context, apiRequest, headers)
                : await WriteAsync(context, StripeErrors.UnrecognizedUrl(apiRequest));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            status = ClientClosedRequest;
        }
        finally
        {
            journal.Complete(entry, status);
        }
    }

    private async Task<int> HandleApiAsync(HttpContext context, ApiRequest request, IReadOnlyDictionary<string, string> headers)
    {
        switch (faults.Outage)
        {
            case StripeOutage.Errors:
                return await WriteAsync(context, StripeErrors.Outage(request.RequestId, 500));
            case StripeOutage.Hangs:
                await HangAsync(context);
                return ClientClosedRequest;
            case StripeOutage.Drops:
                context.Abort();
                return ClientClosedRequest;
        }

        switch (faults.TakeNext(FaultStage.BeforeApi))
        {
            case { Hangs: true }:
                await HangAsync(context);
                return ClientClosedRequest;
            case { } fault:
                return await AnswerAsync(context, StripeErrors.Outage(request.RequestId, fault.Status));
        }

        var apiKey = ApiKey(headers.GetValueOrDefault("authorization"));
        if (apiKey is null || !(apiKey.StartsWith("sk_test_", StringComparison.Ordinal) || apiKey.StartsWith("rk_test_", StringComparison.Ordinal)))
        {
            return await AnswerAsync(context, StripeErrors.Unauthorized(request.RequestId, apiKey));
        }

        // Stripe applies idempotency to POST only; GET and DELETE are idempotent by nature.
        var key = request.Method == HttpMethods.Post ? headers.GetValueOrDefault("idempotency-key") : null;
        if (string.IsNullOrEmpty(key))
        {
            await DelayAsync();
            return await WriteAsync(context, Execute(request));
        }

        if (key.Length > 255)
        {
            return await AnswerAsync(context, StripeErrors.InvalidRequest(request.RequestId, 400,
                "Idempotency-Key must be 255 characters or less.", param: "Idempotency-Key"));
        }

        var claim = idempotency.Claim(key, request.Fingerprint());
        switch (claim.Decision)
        {
            case IdempotencyDecision.Replay:
                return await AnswerAsync(context, claim.Saved!, replayed: true);
            case IdempotencyDecision.ParametersDiffer:
                return await AnswerAsync(context, StripeErrors.IdempotencyMismatch(request.RequestId, key));
            case IdempotencyDecision.InFlight:
                return await AnswerAsync(context, StripeErrors.IdempotencyInFlight(request.RequestId, key));
        }

        // The key stays in flight through the latency, so a concurrent duplicate meets the 409.
        // The work is done even when the client gave up meanwhile, as on Stripe: a timeout is no proof of "not charged".
        ApiResult? result = null;
        try
        {
            await DelayAsync();
            result = Execute(request);
        }
        finally
        {
            idempotency.Complete(key, result);
        }

        return await WriteAsync(context, result);
    }

    private ApiResult Execute(ApiRequest request)
    {
        if (faults.TakeNext(FaultStage.InEndpoint) is { } fault)
        {
            return StripeErrors.EndpointFailed(request.RequestId, fault.Status);
        }

        try
        {
            return routes.Dispatch(request);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in the fake answers like Stripe's own 500 (and is not saved under the key), but says what broke.
            return StripeErrors.Internal(request.RequestId) with { Json = StripeJson.Serialize(StripeJson.Error(request.RequestId, DateTimeOffset.UtcNow, "api_error", $"Fake Stripe failed: {ex}")) };
        }
    }

    private async Task HangAsync(HttpContext context)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(HangCap, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (or the fake stops): that is the point of a hang.
        }

        context.Abort();
    }

    private Task DelayAsync()
    {
        var latency = faults.Latency;
        return latency > TimeSpan.Zero ? Task.Delay(latency, stopping) : Task.CompletedTask;
    }

    private async Task<int> AnswerAsync(HttpContext context, ApiResult result, bool replayed = false)
    {
        await DelayAsync();
        return await WriteAsync(context, result, replayed);
    }

    private static async Task<int> WriteAsync(HttpContext context, ApiResult result, bool replayed = false)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        response.ContentType = "application/json";
        response.Headers["Stripe-Version"] = context.Request.Headers["Stripe-Version"].FirstOrDefault() ?? StripeConfiguration.ApiVersion;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        // Stripe echoes the key, which Stripe.net exposes as StripeResponse.IdempotencyKey.
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 } key)
        {
            response.Headers["Idempotency-Key"] = key;
        }

        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
            response.Headers["Original-Request"] = result.RequestId;
        }

        try
        {
            await response.WriteAsync(result.Json, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client left during the latency; the work is done all the same (see above).
        }

        return result.Status;
    }

    /// <summary>The key from <c>Authorization: Bearer sk_…</c> or <c>Basic</c> (curl's <c>-u sk_…:</c>).</summary>
    private static string? ApiKey(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter;
        }

        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':')[0];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
