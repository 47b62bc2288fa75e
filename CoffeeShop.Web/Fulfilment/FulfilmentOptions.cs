namespace CoffeeShop.Web.Fulfilment;

/// <summary>The <c>Fulfilment</c> settings section: the carriers a parcel can leave with.</summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Fulfilment";

    public List<Carrier> Carriers { get; set; } = [];

    /// <summary>Why the carriers cannot be used, or null: at least one, names unique, each link https with {tracking} in it.</summary>
    internal static string? Problem(FulfilmentOptions options)
    {
        if (options.Carriers.Count == 0)
        {
            return "The setting Fulfilment:Carriers is empty: admins need at least one carrier to mark an order shipped. Set it in appsettings.json (see appsettings.Development.sample.json).";
        }

        foreach (var (carrier, i) in options.Carriers.Select((c, i) => (c, i)))
        {
            if (string.IsNullOrWhiteSpace(carrier.Name) || carrier.Name.Length > 40)
            {
                return $"The setting Fulfilment:Carriers:{i}:Name must be a carrier name of 1 to 40 characters.";
            }

            if (!carrier.TrackingUrl.Contains(Carrier.TrackingPlaceholder, StringComparison.Ordinal)
                || !Uri.TryCreate(carrier.TrackingUrl.Replace(Carrier.TrackingPlaceholder, "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttps)
            {
                return $"The setting Fulfilment:Carriers:{i}:TrackingUrl must be an https link with {Carrier.TrackingPlaceholder} where the tracking number goes.";
            }
        }

        return options.Carriers.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"The setting Fulfilment:Carriers names the carrier {twice.Key} twice."
            : null;
    }
}
