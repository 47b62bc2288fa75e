using System.Globalization;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>"--name value" pairs from the command line.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new BenchException($"expected --name value, got '{args[i]}'");
            }

            options._values[args[i][2..]] = args[++i];
        }

        return options;
    }

    public string? Find(string name) => _values.GetValueOrDefault(name);

    public string Get(string name, string? fallback = null) =>
        Find(name) ?? fallback ?? throw new BenchException($"--{name} is required");

    public int Int(string name, int fallback) =>
        Find(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new BenchException($"--{name} must be a positive whole number, got '{text}'")
            : fallback;
}

internal sealed class BenchException(string message) : Exception(message);
