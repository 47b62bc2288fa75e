using CoffeeShop.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Stripe;

namespace CoffeeShop.Web.Payments.Stripe;

public static class StripeRegistration
{
    /// <summary>
    /// Stripe settings validated at start-up, the payment mode they choose, one shared StripeClient on an
    /// IHttpClientFactory client, the Stripe gateway and the webhook receiver.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section)
            .ValidateProblems<StripeOptions, IHostEnvironment>((options, environment) => StripeOptions.Problems(options, environment.IsDevelopment()))
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            return new PaymentMode(IsSimulated: !options.HasKeys, options.PublishableKey);
        });

        // A Stripe stand-in configured with Stripe:ApiBase serves its own 3-D Secure pages.
        services.AddOptions<StripeStandIn>().Configure<IOptions<StripeOptions>>((standIn, stripe) =>
            standIn.Origin = Uri.TryCreate(stripe.Value.ApiBase, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null);

        services.AddHttpClient(nameof(StripeClient))
            .ConfigureHttpClient((sp, http) =>
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<StripeOptions>>().Value.TimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddHttpMessageHandler<StripeCallMetrics>();
        services.AddTransient<StripeCallMetrics>();
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

        services.AddScoped<StripePaymentGateway>();
        services.AddKeyedScoped<IPaymentGateway>(PaymentMode.StripeGateway, (sp, _) => sp.GetRequiredService<StripePaymentGateway>());
        services.AddScoped<StripeWebhookReceiver>();
        services.AddKeyedSingleton(StripeWebhookReceiver.Refusals, (sp, _) =>
            new LogSampler(StripeWebhookReceiver.RefusalLogInterval, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationFitsStripeCalls>();
        return services;
    }
}
