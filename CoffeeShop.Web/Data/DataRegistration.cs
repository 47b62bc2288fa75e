using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Data;

public static class DataRegistration
{
    /// <summary>
    /// PostgreSQL through EF Core (pooled contexts, snake_case names) and data-protection keys stored in it,
    /// encrypted with the certificate the <c>DataProtection</c> section names.
    /// </summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
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
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("CoffeeShop")
            .PersistKeysToDbContext<AppDbContext>();
        ProtectKeyRing(services, dataProtection, configuration);

        return services;
    }

    /// <summary>
    /// The key ring encrypted at rest with the configured certificate; the previous certificates still decrypt the
    /// keys written under them (rotation, README). The certificates are opened here because data protection takes
    /// them at registration; a missing or unreadable one registers nothing and start-up refuses with the problem
    /// (outside Development a certificate is required; in Development without one the keys stay unencrypted).
    /// </summary>
    private static void ProtectKeyRing(IServiceCollection services, IDataProtectionBuilder dataProtection, IConfiguration configuration)
    {
        services.AddOptions<KeyRingProtectionOptions>().BindConfiguration(KeyRingProtectionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingProtectionOptions>, KeyRingProtectionValidator>();

        var configured = configuration.GetSection(KeyRingProtectionOptions.Section).Get<KeyRingProtectionOptions>() ?? new KeyRingProtectionOptions();
        var certificates = KeyRingCertificates.Load(configured, development: true);
        if (certificates is { Problems.Count: 0, Current: { } current })
        {
            // Kept for the life of the app: the key ring is decrypted whenever it is reloaded.
            dataProtection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([.. certificates.Previous]);
        }
        else
        {
            certificates.Dispose();
        }
    }

    /// <summary>
    /// Whether Development start-up may touch the configured database: only one on this machine. Development
    /// applies migrations, seeds the catalog and gives the Development admin a known password, so an exported
    /// production connection string must never reach it; otherwise a warning says what was skipped.
    /// </summary>
    public static bool DevelopmentDatabaseIsLocal(this IServiceProvider services)
    {
        var connectionString = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        if (DatabaseOptions.IsOnThisMachine(connectionString))
        {
            return true;
        }

        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataRegistration)).LogWarning(
            "Development start-up applied no migrations and seeded nothing: {Setting} names a database host that is not this machine ({Hosts}); "
            + "only 127.0.0.1, ::1, localhost or a Unix socket is touched. Point it at a local database.",
            DatabaseOptions.ConnectionStringKey, string.Join(", ", DatabaseOptions.Hosts(connectionString)));
        return false;
    }

    internal static DbContextOptionsBuilder UseShopDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ShopConnectionString(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .ReplaceService<IHistoryRepository, FirstStartHistoryRepository>();

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
        // On a new database too without an error in the log: FirstStartHistoryRepository.
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

    private sealed class KeyRingProtectionValidator(IHostEnvironment environment) : IValidateOptions<KeyRingProtectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, KeyRingProtectionOptions options)
        {
            using var certificates = KeyRingCertificates.Load(options, environment.IsDevelopment());
            return certificates.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(certificates.Problems);
        }
    }
}
