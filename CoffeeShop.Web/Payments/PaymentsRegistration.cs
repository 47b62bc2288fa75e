namespace CoffeeShop.Web.Payments;

public static class PaymentsRegistration
{
    /// <summary>
    /// The checkout, finalizing, refund and reconciliation services, and the one <see cref="IPaymentGateway"/>
    /// they use: the implementation registered under the <see cref="PaymentMode"/>'s key (AddStripePayments,
    /// AddSimulatedPayments).
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddScoped(sp => sp.GetRequiredKeyedService<IPaymentGateway>(sp.GetRequiredService<PaymentMode>().Gateway));
        services.AddScoped<FinalizePayment>();
        services.AddScoped<BeginPaymentAttempt>();
        services.AddScoped<CheckoutPayment>();
        services.AddScoped<RefundPayment>();
        services.AddScoped<RefundSync>();
        services.AddScoped<ResolveAttention>();

        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Reconciler>();
        services.AddHostedService<ReconciliationService>();
        return services;
    }
}
