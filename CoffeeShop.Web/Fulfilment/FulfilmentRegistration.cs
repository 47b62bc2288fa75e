using CoffeeShop.Web.Infrastructure;

namespace CoffeeShop.Web.Fulfilment;

public static class FulfilmentRegistration
{
    /// <summary>Taking a paid order to the customer: the carriers and the fulfilment steps admins take.</summary>
    public static IServiceCollection AddFulfilment(this IServiceCollection services)
    {
        services.AddOptions<FulfilmentOptions>()
            .BindConfiguration(FulfilmentOptions.Section)
            .ValidateProblems(options => FulfilmentOptions.Problem(options) is { } problem ? [problem] : [])
            .ValidateOnStart();
        services.AddScoped<OrderFulfilment>();
        return services;
    }
}
