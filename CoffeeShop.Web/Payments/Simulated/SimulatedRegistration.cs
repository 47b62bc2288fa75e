namespace CoffeeShop.Web.Payments.Simulated;

public static class SimulatedRegistration
{
    /// <summary>The Development gateway, taken when no Stripe keys are configured.</summary>
    public static IServiceCollection AddSimulatedPayments(this IServiceCollection services)
    {
        services.AddSingleton<SimulatedPaymentGateway>();
        services.AddKeyedScoped<IPaymentGateway>(PaymentMode.SimulatedGateway, (sp, _) => sp.GetRequiredService<SimulatedPaymentGateway>());
        return services;
    }
}
