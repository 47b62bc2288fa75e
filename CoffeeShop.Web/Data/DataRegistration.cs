using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Data;

public static class DataRegistration
{
    /// <summary>PostgreSQL through EF Core (pooled contexts, snake_case names) and data-protection keys stored in it.</summary>
    public static IServiceCollection AddData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, config) => o.ConnectionString = config.GetConnectionString("CoffeeShop"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        // Pooled contexts. Pages get a scoped one; payment code that must own its transaction
        // (FinalizePayment, the checkout's phases) creates its own from the factory.
        services.AddPooledDbContextFactory<AppDbContext>((sp, options) => options
            .UseShopDatabase(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!)
            .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());

        // Keys in the database: every instance can read cookies and antiforgery tokens made by the others.
        services.AddDataProtection()
            .SetApplicationName("CoffeeShop")
            .PersistKeysToDbContext<AppDbContext>();

        return services;
    }

    internal static DbContextOptionsBuilder UseShopDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ShopConnectionString(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>The configured connection string with the shop's defaults for what it leaves unset.</summary>
    internal static string ShopConnectionString(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            // The shop keeps no session settings or temp tables on connections, so the DISCARD ALL
            // round trip on every pooled reuse buys nothing.
            NoResetOnClose = true,
        };
        var configured = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!configured.ContainsKey("Max Auto Prepare") && !configured.ContainsKey("MaxAutoPrepare"))
        {
            // Statements run often (the cart, the checkout's INSERT, the payment row lock) are prepared
            // on each connection once: PostgreSQL stops parsing and planning them on every checkout
            // (ADR 0009). Npgsql re-prepares after a schema change; behind PgBouncer in transaction mode
            // before 1.21, set Max Auto Prepare=0.
            builder.MaxAutoPrepare = 20;
        }

        return builder.ConnectionString;
    }

    /// <summary>Development start-up: apply migrations. Production uses the documented bundle.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync(cancellationToken);
    }

    private sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
        {
            var problems = DatabaseOptions.Problems(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
