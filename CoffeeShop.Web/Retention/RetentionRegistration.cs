namespace CoffeeShop.Web.Retention;

public static class RetentionRegistration
{
    /// <summary>The clean-up of webhook payloads and idle carts, run by every instance (one at a time).</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DataRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<DataRetention>());
        return services;
    }
}
