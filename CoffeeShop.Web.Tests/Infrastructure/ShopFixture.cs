using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Shopping;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// One app and one database for all integration tests: migrated once, emptied (Respawn) and
/// re-seeded before every test, so each test starts from the same catalog and nothing else.
/// </summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private Respawner _respawner = null!;

    public FakeStripeApi Stripe { get; private set; } = null!;

    public ShopFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripeApi.StartAsync();
        Factory = new ShopFactory(Stripe);
        await TestDatabase.EnsureCreatedAsync();
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
        }

        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            // Rows the migrations write and the shop only updates: set back to zero below instead of deleted.
            TablesToIgnore = ["__ef_migrations_history", "data_protection_keys", "document_sequences", "order_fulfilment_counts"],
        });
    }

    public async Task ResetAsync()
    {
        Stripe.Reset();
        // First visits to the catalog and product pages are cached; a test that changes products must see the change.
        await ShopFactory.ClearPageCachesAsync();
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            // The stock ledger and the audit log refuse TRUNCATE; only a session that fires no triggers may empty them.
            await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
            {
                await replica.ExecuteNonQueryAsync();
            }

            await _respawner.ResetAsync(connection);
            // Respawn truncates, which fires no row trigger: the desk's counts start again from nothing, as the orders do.
            await using var restart = new NpgsqlCommand("""
                INSERT INTO document_sequences (name, last_number) VALUES ('invoice', 0), ('credit_note', 0)
                    ON CONFLICT (name) DO UPDATE SET last_number = 0;
                INSERT INTO order_fulfilment_counts (fulfilment, orders)
                    SELECT unnest(ARRAY['ToPack', 'Packed', 'Shipped', 'Delivered', 'Canceled']), 0
                    ON CONFLICT (fulfilment) DO UPDATE SET orders = 0;
                """, connection);
            await restart.ExecuteNonQueryAsync();
        }

        await SeedAsync();
    }

    /// <summary>Runs the catalog seed again without emptying anything, as an app restart does.</summary>
    public async Task SeedAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CatalogSeed>().SeedAsync();
    }

    /// <summary>Sets a product's bags on hand as a stock count would: a correction movement of the difference.</summary>
    public async Task SetStockAsync(string slug, int bags)
    {
        await using var db = NewDbContext();
        var product = await db.Products.SingleAsync(p => p.Slug == slug);
        if (product.Stock != bags)
        {
            db.StockMovements.Add(new StockMovement
            {
                ProductId = product.Id,
                OnHandDelta = bags - product.Stock,
                Reason = StockMovementReason.Correction,
                Actor = "test",
                Note = "Set up by the test",
            });
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the database's triggers off, as only a superuser could: for tests
    /// that put the shop into a state its ledger forbids, to see that the state is caught or shown.
    /// </summary>
    public static async Task BehindTheLedgerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET session_replication_role = replica; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A context set up as the app sets up its own (<see cref="DataRegistration.UseShopDatabase"/>), on the test database.</summary>
    public AppDbContext NewDbContext()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseShopDatabase(TestDatabase.ConnectionString);
        return new(options.Options);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ShopTestGroup : ICollectionFixture<ShopFixture>
{
    public const string Name = "shop";
}

/// <summary>Base for integration tests: a clean, seeded database before each test.</summary>
[Collection(ShopTestGroup.Name)]
public abstract class ShopTest(ShopFixture fixture) : IAsyncLifetime
{
    protected ShopFixture Fixture { get; } = fixture;

    protected ShopFactory Factory => Fixture.Factory;

    protected FakeStripeApi Stripe => Fixture.Stripe;

    public virtual Task InitializeAsync() => Fixture.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected AppDbContext Db() => Fixture.NewDbContext();
}
