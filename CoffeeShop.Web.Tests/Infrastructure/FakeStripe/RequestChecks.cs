using System.Globalization;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Parameter checks shared by the endpoints, answering with Stripe's validation errors (never saved for idempotency).</summary>
internal static class RequestChecks
{
    public static ApiResult Missing(ApiRequest request, string param) =>
        StripeErrors.InvalidRequest(request.RequestId, 400, $"Missing required param: {param}.", "parameter_missing", param);

    /// <summary>Reads a positive integer amount in minor units; null error when valid (or absent and optional).</summary>
    public static ApiResult? Amount(ApiRequest request, string param, bool required, out long? amount)
    {
        amount = null;
        var text = request.Param(param);
        if (text is null)
        {
            return required ? Missing(request, param) : null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400, $"Invalid integer: {text}", "parameter_invalid_integer", param);
        }

        if (value < 1)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400, "This value must be greater than or equal to 1.", "parameter_invalid_integer", param);
        }

        amount = value;
        return null;
    }

    /// <summary>
    /// Reads <c>expand[]</c>. <paramref name="prefix"/> is <c>data.</c> for lists and searches, whose
    /// expansions name the items' fields. Unknown paths are refused as Stripe does.
    /// </summary>
    public static ApiResult? Expand(ApiRequest request, IReadOnlyCollection<string> allowed, out IReadOnlyCollection<string> expand, string prefix = "")
    {
        var paths = new List<string>();
        foreach (var path in request.List("expand"))
        {
            var field = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : null;
            if (field is null || !allowed.Contains(field))
            {
                expand = [];
                return StripeErrors.InvalidRequest(request.RequestId, 400, $"This property cannot be expanded ({path}).", param: "expand");
            }

            paths.Add(field);
        }

        expand = paths;
        return null;
    }

    /// <summary>Reads <c>limit</c> of a list or search: 1 to 100, default 10.</summary>
    public static ApiResult? Limit(ApiRequest request, out int limit)
    {
        limit = 10;
        var text = request.Param("limit");
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400, "This value must be between 1 and 100 (inclusive).", "parameter_invalid_integer", "limit");
        }

        return null;
    }

    /// <summary>Checks an enum parameter; null when absent or allowed.</summary>
    public static ApiResult? OneOf(ApiRequest request, string param, IReadOnlyCollection<string> allowed)
    {
        var value = request.Param(param);
        return value is null || allowed.Contains(value)
            ? null
            : StripeErrors.InvalidRequest(request.RequestId, 400,
                $"Invalid {param}: must be one of {string.Join(", ", allowed)}", param: param);
    }
}
