using Microsoft.AspNetCore.HostFiltering;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// <c>AllowedHosts</c>: the host names the shop answers to (the framework's host filtering answers 400 to any
/// other Host header). Absolute addresses the shop builds from a request, such as Stripe's return address, must
/// never carry a forged Host, so outside Development "*" or nothing is refused at start-up.
/// </summary>
public static class AllowedHosts
{
    public const string Key = "AllowedHosts";

    public static IServiceCollection AddShopHostFiltering(this IServiceCollection services)
    {
        services.AddOptions<HostFilteringOptions>()
            .ValidateProblems<HostFilteringOptions, IHostEnvironment>((options, environment) => Problems(options, environment.IsDevelopment()))
            .ValidateOnStart();
        return services;
    }

    internal static IEnumerable<string> Problems(HostFilteringOptions options, bool development)
    {
        // The framework turns an empty or missing setting into "*".
        if (!development && (options.AllowedHosts.Count == 0 || options.AllowedHosts.Any(host => host.Trim() is "*" or "")))
        {
            yield return $"The setting {Key} must list the shop's host names outside Development, separated by ';' (e.g. shop.example.com;www.shop.example.com), "
                + $"not \"*\" or nothing: requests naming any other host are refused. Set it in appsettings.Production.json or the environment variable {Key}.";
        }
    }
}
