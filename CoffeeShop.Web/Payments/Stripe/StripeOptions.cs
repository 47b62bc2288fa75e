namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>The <c>Stripe</c> settings section. Keys come from user-secrets or environment variables only.</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string? SecretKey { get; set; }
    public string? PublishableKey { get; set; }
    public string? WebhookSecret { get; set; }

    /// <summary>Points Stripe.net at another server (a local mock); Stripe's own API when empty.</summary>
    public string? ApiBase { get; set; }

    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>How long one HTTP call to Stripe may take before Stripe.net retries it (Stripe's default is 80 s).</summary>
    public int TimeoutSeconds { get; set; } = 80;

    public bool HasKeys => !string.IsNullOrWhiteSpace(SecretKey) || !string.IsNullOrWhiteSpace(PublishableKey);

    public bool IsLive => SecretKey?.StartsWith("sk_live_", StringComparison.Ordinal) == true
        || SecretKey?.StartsWith("rk_live_", StringComparison.Ordinal) == true;

    /// <summary>Every reason these settings cannot run the shop, each naming its key and where to set it.</summary>
    internal static IEnumerable<string> Problems(StripeOptions o, bool development)
    {
        const string where = "Set it with `dotnet user-secrets set` (Development) or the environment variable";
        if (!o.HasKeys)
        {
            if (!development)
            {
                yield return $"The settings Stripe:SecretKey and Stripe:PublishableKey are required outside Development (simulated payments exist only in Development). {where} Stripe__SecretKey / Stripe__PublishableKey.";
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(o.SecretKey))
        {
            yield return $"The setting Stripe:SecretKey is missing while Stripe:PublishableKey is set. {where} Stripe__SecretKey.";
        }
        else if (!(o.SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) || o.SecretKey.StartsWith("rk_test_", StringComparison.Ordinal) || o.IsLive))
        {
            yield return $"The setting Stripe:SecretKey must start with sk_test_, sk_live_, rk_test_ or rk_live_. {where} Stripe__SecretKey.";
        }

        if (string.IsNullOrWhiteSpace(o.PublishableKey))
        {
            yield return $"The setting Stripe:PublishableKey is missing while Stripe:SecretKey is set. {where} Stripe__PublishableKey.";
        }
        else if (!(o.PublishableKey.StartsWith("pk_test_", StringComparison.Ordinal) || o.PublishableKey.StartsWith("pk_live_", StringComparison.Ordinal)))
        {
            yield return $"The setting Stripe:PublishableKey must start with pk_test_ or pk_live_. {where} Stripe__PublishableKey.";
        }
        else if (!string.IsNullOrWhiteSpace(o.SecretKey) && o.IsLive != o.PublishableKey.StartsWith("pk_live_", StringComparison.Ordinal))
        {
            yield return "The settings Stripe:SecretKey and Stripe:PublishableKey belong to different modes (one live, one test). Use a pair from the same Stripe mode (environment variables Stripe__SecretKey and Stripe__PublishableKey).";
        }

        if (!development && string.IsNullOrWhiteSpace(o.WebhookSecret))
        {
            yield return $"The setting Stripe:WebhookSecret is required outside Development: without it no webhook can be verified. {where} Stripe__WebhookSecret.";
        }

        if (!string.IsNullOrWhiteSpace(o.ApiBase) && !Uri.TryCreate(o.ApiBase, UriKind.Absolute, out _))
        {
            yield return $"The setting Stripe:ApiBase must be an absolute URL. {where} Stripe__ApiBase.";
        }

        if (o.TimeoutSeconds is < 1 or > 600)
        {
            yield return $"The setting Stripe:TimeoutSeconds must be between 1 and 600. {where} Stripe__TimeoutSeconds.";
        }

        if (o.MaxNetworkRetries is < 0 or > 5)
        {
            yield return $"The setting Stripe:MaxNetworkRetries must be between 0 and 5. {where} Stripe__MaxNetworkRetries.";
        }
    }
}
