using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Catalog.Photos;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Discovery;
using CoffeeShop.Web.Fulfilment;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Invoicing;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Payments.Simulated;
using CoffeeShop.Web.Payments.Stripe;
using CoffeeShop.Web.Retention;
using CoffeeShop.Web.Shopping;

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();
builder.Services.AddData(builder.Configuration);
builder.Services.AddShopping();
builder.Services.AddCatalog();
builder.Services.AddCatalogPhotos();
builder.Services.AddDiscovery();
builder.Services.AddPayments();
builder.Services.AddFulfilment();
builder.Services.AddInvoicing();
builder.Services.AddMessaging();
builder.Services.AddRetention();
builder.Services.AddStripePayments();
builder.Services.AddSimulatedPayments();
builder.Services.AddAdminIdentity(builder.Environment);
builder.Services.AddRazorPagesWithCookies(builder.Environment);
builder.Services.AddPageCaches();
builder.Services.AddCompressiblePages();
builder.Services.AddShopSecurityHeaders();
builder.Services.AddShopRateLimits();
builder.Services.AddShopHostFiltering();
builder.Services.AddTrustedProxies();
builder.Services.AddHttpsOnly();

var app = builder.Build();

if (args is [CreateAdminCommand.Name, ..])
{
    return await CreateAdminCommand.RunAsync(app.Services, args);
}

if (app.Environment.IsDevelopment() && app.Services.DevelopmentDatabaseIsLocal())
{
    await app.Services.MigrateDatabaseAsync();
    await app.Services.SeedCatalogAsync();
}

app.UseTrustedProxies();
app.UseObservability();
app.UseShopPipeline();
app.MapPagesAndStaticAssets();
app.MapStripeWebhook();
app.MapProductPhotos();
app.MapSearchEngineFiles();

await app.RunAsync();
return 0;
