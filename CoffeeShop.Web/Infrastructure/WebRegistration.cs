using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

public static class WebRegistration
{
    /// <summary>The catalog as an anonymous first visitor sees it, cached for <see cref="PageCacheOptions.Lifetime"/>.</summary>
    public const string AnonymousCatalog = "anonymous-catalog";

    /// <summary>
    /// Razor Pages that answer 404 to a handler they do not have, with the antiforgery cookie their forms
    /// carry and the message (TempData) cookie their redirects carry.
    /// </summary>
    public static IServiceCollection AddRazorPagesWithCookies(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddRazorPages(options => options.Conventions.ConfigureFilter(new RequestGuards.UnknownHandlerFilter()));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ShopCookies.Named(ShopCookies.Antiforgery, environment);
            // Set, not left to the request's base path: the __Host- prefix needs Path=/.
            options.Cookie.Path = "/";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = ShopCookies.SecurePolicy(environment);
        });
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = ShopCookies.Named(ShopCookies.Message, environment);
            options.Cookie.Path = "/";
            options.Cookie.SecurePolicy = ShopCookies.SecurePolicy(environment);
        });
        return services;
    }

    /// <summary>
    /// The two caches for visitors without cookies: the output cache for the catalog, and the
    /// first-visit cache for product pages, whose forms need a token of each visitor's own.
    /// </summary>
    public static IServiceCollection AddPageCaches(this IServiceCollection services)
    {
        services.AddOptions<PageCacheOptions>().BindConfiguration(PageCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<IOptions<PageCacheOptions>>((options, caches) => options.AddPolicy(AnonymousCatalog, policy => policy
            .Expire(caches.Value.Lifetime)
            .Tag(AnonymousCatalog)
            // Only a first visit without any cookie is shared: no cart, no session, no sign-in to leak.
            .With(context => context.HttpContext.Request.Cookies.Count == 0)));
        services.AddSingleton<FirstVisitPageCacheMiddleware>();
        services.AddSingleton<PageCaches>();
        return services;
    }

    /// <summary>Compression for the pages marked <see cref="CompressibleAttribute"/>, and for no other answer.</summary>
    public static IServiceCollection AddCompressiblePages(this IServiceCollection services) => CompressibleAttribute.AddCompressiblePages(services);

    /// <summary>The middleware every request passes through, in order; the endpoints come after it.</summary>
    public static WebApplication UseShopPipeline(this WebApplication app)
    {
        // First, so an exception anywhere below ends on the error page, never a stack trace (Development keeps its own page).
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }

        // An error status answered below without a body (404, 400, 429…) is re-executed as the error page.
        app.UseStatusCodePagesWithReExecute("/Error/{0}");
        // Before routing, so a bad query string is refused before any page or endpoint sees it.
        app.UseQueryStringGuard();
        app.UseRouting();
        // After routing (the health probes answer over plain http too), before anything renders a page.
        app.UseHttpsOnly(app.Environment);
        // After routing, so the header policy and the rate limits know which page answers.
        app.UseSecurityHeaders();
        // Pages marked [NoIndex] tell search engines so on every answer; pages marked [RestorableFromHistory] may be
        // restored by the back/forward cache (before the page caches, whose copies get the same answer).
        NoIndexAttribute.UseNoIndexHeader(app);
        RestorableFromHistoryAttribute.UseRestorableFromHistory(app);
        app.UseRateLimiter();
        // Who is signed in, then whether they may open the page (the admin pages).
        app.UseAuthentication();
        app.UseAuthorization();
        // Pages marked [Compressible] go out compressed; outside the caches, which keep the page as rendered.
        app.UseResponseCompression();
        // Last before the pages: the caches serve only requests that passed every check above.
        app.UseOutputCache();
        app.UseMiddleware<FirstVisitPageCacheMiddleware>();
        return app;
    }

    /// <summary>The endpoints: compressed, fingerprinted static assets and the Razor Pages that link to them.</summary>
    public static WebApplication MapPagesAndStaticAssets(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        return app;
    }
}
