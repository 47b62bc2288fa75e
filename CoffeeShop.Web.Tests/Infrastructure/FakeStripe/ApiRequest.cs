using System.Globalization;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// An API request reduced to what the endpoints need. Stripe reads parameters from the query
/// string (GET) and the form body (POST) alike, so both are merged into <see cref="Parameters"/>.
/// </summary>
internal sealed record ApiRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Parameters,
    string RequestId)
{
    public string? Param(string name) =>
        Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public bool Flag(string name) => string.Equals(Param(name), "true", StringComparison.Ordinal);

    /// <summary>
    /// Values of a list parameter. Stripe.net sends <c>expand[0]=a&amp;expand[1]=b</c>; other clients
    /// send <c>expand[]=a</c>: both are accepted, in index order.
    /// </summary>
    public IReadOnlyList<string> List(string name) =>
        Parameters
            .Where(p => p.Key.StartsWith(name + "[", StringComparison.Ordinal) && p.Key.EndsWith(']'))
            .Select(p => (Index: IndexOf(p.Key[(name.Length + 1)..^1]), p.Value))
            .OrderBy(p => p.Index)
            .SelectMany(p => p.Value.Split(','))
            .ToList();

    /// <summary>A hash parameter such as <c>metadata[order_id]=12</c>, as a dictionary.</summary>
    public Dictionary<string, string> Hash(string name) =>
        Parameters
            .Where(p => p.Key.StartsWith(name + "[", StringComparison.Ordinal) && p.Key.EndsWith(']'))
            .ToDictionary(p => p.Key[(name.Length + 1)..^1], p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// The request's identity for idempotency: method, path and every parameter, order-free, so a
    /// retry that serializes the same options matches and one with any other value does not.
    /// </summary>
    public string Fingerprint() =>
        string.Join('\n', Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}").Prepend($"{Method} {Path}"));

    private static int IndexOf(string inner) =>
        int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue;
}

/// <summary>
/// An API answer. <see cref="Replayable"/> says whether Stripe would save it under the request's
/// idempotency key: results of an endpoint that started (successes, card errors and its 5xx) are
/// saved; requests rejected before anything ran (validation, auth, conflicts, errors in front of the
/// API) are not, so a retry runs afresh.
/// </summary>
internal sealed record ApiResult(int Status, string Json, bool Replayable, string RequestId)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
