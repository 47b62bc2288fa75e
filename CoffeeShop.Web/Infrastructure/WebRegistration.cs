using Microsoft.AspNetCore.Mvc;

namespace CoffeeShop.Web.Infrastructure;

public static class WebRegistration
{
    /// <summary>The catalog as an anonymous first visitor sees it, cached for 30 seconds.</summary>
    public const string AnonymousCatalog = "anonymous-catalog";

    /// <summary>Razor Pages with antiforgery on every form post, and compressed, fingerprinted static assets.</summary>
    public static IServiceCollection AddShopPages(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddRazorPages(options => options.Conventions.ConfigureFilter(new RequestGuards.UnknownHandlerFilter()));
        services.AddOutputCache(options => options.AddPolicy(AnonymousCatalog, policy => policy
            .Expire(TimeSpan.FromSeconds(30))
            .Tag(AnonymousCatalog)
            // Only a first visit without any cookie is shared: no cart, no session, no sign-in to leak.
            .With(context => context.HttpContext.Request.Cookies.Count == 0)));
        services.AddSingleton<FirstVisitPageCache>();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ShopCookies.Antiforgery;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = ShopCookies.SecurePolicy(environment);
        });
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = ShopCookies.Message;
            options.Cookie.SecurePolicy = ShopCookies.SecurePolicy(environment);
        });
        return services;
    }

    /// <summary>Security headers and rate limits on every page (see SecurityHeaders and RateLimits).</summary>
    public static IServiceCollection AddShopSecurity(this IServiceCollection services) =>
        services.AddShopSecurityHeaders().AddShopRateLimits();

    /// <summary>Error pages that never show a stack trace outside Development, then the pages themselves.</summary>
    public static WebApplication UseShopPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }

        app.UseStatusCodePagesWithReExecute("/Error/{0}");
        app.UseQueryStringGuard();
        app.UseRouting();
        // After routing, so the header policy and the rate limits know which page answers.
        app.UseSecurityHeaders();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        var firstVisitPages = app.Services.GetRequiredService<FirstVisitPageCache>();
        app.Use((context, next) => firstVisitPages.InvokeAsync(context, next));
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        return app;
    }
}
