using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments.Simulated;
using CoffeeShop.Web.Payments.Stripe;
using Microsoft.Extensions.Options;
using Stripe;

namespace CoffeeShop.Web.Payments;

public static class PaymentsRegistration
{
    /// <summary>
    /// Stripe settings validated at start-up, one shared StripeClient on an IHttpClientFactory client,
    /// the gateway for the configured mode, and the checkout and finalizing services.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section)
            .ValidateProblems<StripeOptions, IHostEnvironment>((options, environment) => StripeOptions.Problems(options, environment.IsDevelopment()))
            .ValidateOnStart();
        services.AddSingleton<PaymentMode>();

        services.AddHttpClient(nameof(StripeClient))
            .ConfigureHttpClient((sp, http) =>
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<StripeOptions>>().Value.TimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<IStripeClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StripeClient));
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = options.SecretKey,
                ApiBase = string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'),
                HttpClient = new SystemNetHttpClient(http, options.MaxNetworkRetries),
            });
        });

        services.AddSingleton<SimulatedPaymentGateway>();
        services.AddScoped<StripePaymentGateway>();
        services.AddScoped<IPaymentGateway>(sp => sp.GetRequiredService<PaymentMode>().IsSimulated
            ? sp.GetRequiredService<SimulatedPaymentGateway>()
            : sp.GetRequiredService<StripePaymentGateway>());
        services.AddScoped<FinalizePayment>();
        services.AddScoped<BeginPaymentAttempt>();
        services.AddScoped<CheckoutPayment>();
        services.AddScoped<RefundPayment>();
        services.AddScoped<RefundSync>();
        services.AddScoped<ResolveAttention>();
        services.AddScoped<StripeWebhookReceiver>();

        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationFitsStripeCalls>();
        services.AddScoped<Reconciler>();
        services.AddHostedService<ReconciliationService>();
        return services;
    }
}
