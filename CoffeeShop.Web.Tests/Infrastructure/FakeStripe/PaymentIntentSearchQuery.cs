using System.Globalization;
using System.Text.RegularExpressions;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// The part of Stripe's search query language that PaymentIntent searches use: clauses
/// <c>field:value</c> on <c>metadata['key']</c> (single or double quotes), <c>status</c>,
/// <c>currency</c>, <c>customer</c>, <c>amount</c> and <c>created</c>; <c>~</c> substring match;
/// <c>&gt; &lt; &gt;= &lt;=</c> on numbers; <c>-</c> negation; <c>null</c>; clauses joined by spaces,
/// <c>AND</c> or <c>OR</c> (not mixed). String matches ignore case, as Stripe's do.
/// Results are searchable at once unless <see cref="FakeStripeApi.SearchLag"/> holds them back, as
/// Stripe's index does (usually within a minute).
/// </summary>
internal sealed partial class PaymentIntentSearchQuery
{
    private const int MaxClauses = 10;

    private readonly List<Clause> _clauses;
    private readonly bool _matchAny;

    private PaymentIntentSearchQuery(List<Clause> clauses, bool matchAny)
    {
        _clauses = clauses;
        _matchAny = matchAny;
    }

    /// <summary>Parses a query; on failure returns null and a message for Stripe's 400 answer.</summary>
    public static PaymentIntentSearchQuery? Parse(string query, out string? error)
    {
        var clauses = new List<Clause>();
        string? connector = null;
        var position = 0;
        while (true)
        {
            var clause = ClausePattern().Match(query, position);
            if (!clause.Success)
            {
                error = $"Invalid search query '{query}' near position {position}. See https://stripe.com/docs/search#search-query-language.";
                return null;
            }

            var parsed = Clause.From(clause);
            if (parsed.Problem is not null)
            {
                error = parsed.Problem;
                return null;
            }

            clauses.Add(parsed);
            position = clause.Index + clause.Length;
            if (string.IsNullOrWhiteSpace(query[position..]))
            {
                break;
            }

            var join = ConnectorPattern().Match(query, position);
            if (!join.Success)
            {
                error = $"Invalid search query '{query}' near position {position}. See https://stripe.com/docs/search#search-query-language.";
                return null;
            }

            var word = join.Groups["word"].Success ? join.Groups["word"].Value.ToUpperInvariant() : "AND";
            if (connector is not null && connector != word)
            {
                error = "AND and OR operators cannot be used in the same query.";
                return null;
            }

            connector = word;
            position = join.Index + join.Length;
        }

        if (clauses.Count > MaxClauses)
        {
            error = $"A search query can have at most {MaxClauses} clauses.";
            return null;
        }

        error = null;
        return new PaymentIntentSearchQuery(clauses, connector == "OR");
    }

    public bool Matches(FakePaymentIntent intent) =>
        _matchAny ? _clauses.Exists(c => c.Matches(intent)) : _clauses.TrueForAll(c => c.Matches(intent));

    [GeneratedRegex("""\G\s*(?<neg>-)?(?<field>metadata\[(?<kq>['"])(?<key>.*?)\k<kq>\]|[a-z_]+)(?<op>>=|<=|:|~|>|<)(?:(?<vq>['"])(?<value>.*?)\k<vq>|(?<bare>[^\s'"]+))""", RegexOptions.CultureInvariant)]
    private static partial Regex ClausePattern();

    [GeneratedRegex("""\G(?:\s+(?<word>AND|OR)\s+|\s+)""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ConnectorPattern();

    private sealed record Clause(bool Negated, string Field, string? MetadataKey, string Operator, string Value, bool IsNull, string? Problem = null)
    {
        private static readonly string[] Fields = ["metadata", "status", "currency", "customer", "amount", "created"];

        public static Clause From(Match match)
        {
            var metadataKey = match.Groups["key"].Success ? match.Groups["key"].Value : null;
            var field = metadataKey is null ? match.Groups["field"].Value : "metadata";
            var quoted = match.Groups["value"].Success;
            var value = quoted ? match.Groups["value"].Value : match.Groups["bare"].Value;
            var op = match.Groups["op"].Value;
            var clause = new Clause(match.Groups["neg"].Success, field, metadataKey, op, value, IsNull: !quoted && value == "null");

            if (!Fields.Contains(field))
            {
                return clause with { Problem = $"Field '{field}' is not supported in PaymentIntent search queries (fake Stripe knows: {string.Join(", ", Fields)})." };
            }

            var numeric = field is "amount" or "created";
            if (numeric && !clause.IsNull && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                return clause with { Problem = $"'{value}' is not a number; the field '{field}' is numeric." };
            }

            if (numeric && op == "~")
            {
                return clause with { Problem = $"Substring matches (~) do not apply to the numeric field '{field}'." };
            }

            if (!numeric && op is ">" or "<" or ">=" or "<=")
            {
                return clause with { Problem = $"The operator '{op}' only applies to numeric fields, not '{field}'." };
            }

            if (op == "~" && value.Length < 3)
            {
                return clause with { Problem = "Substring matches (~) need at least 3 characters." };
            }

            return clause;
        }

        public bool Matches(FakePaymentIntent intent) => Negated != MatchesPositively(intent);

        private bool MatchesPositively(FakePaymentIntent intent) => Field switch
        {
            "metadata" => MatchesText(intent.Metadata.GetValueOrDefault(MetadataKey!)),
            "status" => MatchesText(intent.Status),
            "currency" => MatchesText(intent.Currency),
            "customer" => MatchesText(null),
            "amount" => MatchesNumber(intent.Amount),
            "created" => MatchesNumber(intent.Created.ToUnixTimeSeconds()),
            _ => false,
        };

        private bool MatchesText(string? actual)
        {
            if (IsNull)
            {
                return actual is null;
            }

            return actual is not null && (Operator == "~"
                ? actual.Contains(Value, StringComparison.OrdinalIgnoreCase)
                : string.Equals(actual, Value, StringComparison.OrdinalIgnoreCase));
        }

        private bool MatchesNumber(long actual)
        {
            if (IsNull)
            {
                return false;
            }

            var expected = long.Parse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return Operator switch
            {
                ">" => actual > expected,
                "<" => actual < expected,
                ">=" => actual >= expected,
                "<=" => actual <= expected,
                _ => actual == expected,
            };
        }
    }
}
