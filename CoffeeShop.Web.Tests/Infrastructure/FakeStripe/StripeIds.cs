using System.Security.Cryptography;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Ids shaped like Stripe's (<c>pi_</c> + 24 characters), so code that checks prefixes or lengths sees the real thing.</summary>
internal static class StripeIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) => $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, length)}";

    public static string Request() => New("req", 14);

    public static string ClientSecret(string paymentIntentId) => $"{paymentIntentId}_secret_{RandomNumberGenerator.GetString(Alphabet, 25)}";
}
