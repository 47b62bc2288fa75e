using System.Collections.Concurrent;
using System.Net;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serilog.Core;
using Serilog.Events;

namespace CoffeeShop.Web.Tests.Data;

/// <summary>
/// The shop on a database nobody has used yet, each test on a new one of its own (the test database's name
/// with a unique suffix), dropped afterwards: what a newcomer's first <c>scripts/run</c> and a new production shop see.
/// </summary>
public sealed class FirstStartTests : IAsyncLifetime
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString)
    {
        // A name of its own per test: a pooled connection to a dropped database of the same name would be broken.
        Database = UniqueName($"{new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString).Database}_first_start_{Guid.NewGuid():N}"),
    }.ConnectionString;

    /// <summary>PostgreSQL keeps 63 bytes of a name; the unique part is kept whole.</summary>
    private static string UniqueName(string name) => name.Length <= 63 ? name : name[..(63 - 45)] + name[^45..];

    public async Task InitializeAsync()
    {
        await DropAsync();
        await AdminCommandAsync($"CREATE DATABASE \"{DatabaseName}\"");
    }

    public Task DisposeAsync() => DropAsync();

    private string DatabaseName => new NpgsqlConnectionStringBuilder(_connectionString).Database!;

    private Task DropAsync() => AdminCommandAsync($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)");

    private static async Task AdminCommandAsync(string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Start_InDevelopmentOnAnEmptyDatabase_MigratesAndSeedsWithoutLoggingAnError()
    {
        var errors = new CapturedErrors();
        await using var development = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:CoffeeShop"] = _connectionString,
            // Every level, so nothing at Error could hide below a raised minimum.
            ["Serilog:MinimumLevel:Default"] = "Information",
        }, services: s => s.AddSingleton<ILogEventSink>(errors), environment: "Development");

        var ready = await development.CreateBrowserClient().GetAsync("/health/ready");
        var catalog = await development.CreateBrowserClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Contains("Kiambu AA", await catalog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(errors.Events);
    }

    [Fact]
    public async Task Catalog_EmptyOutsideDevelopment_SaysNoCoffeeYet_NotNoMatch()
    {
        // Outside Development nothing is seeded: migrations (the bundle in production) and an empty catalog.
        await using var production = new ShopFactory(settings: new Dictionary<string, string?> { ["ConnectionStrings:CoffeeShop"] = _connectionString });
        await production.Services.MigrateDatabaseAsync();

        var response = await production.CreateBrowserClient().GetAsync("/");
        var page = await production.CreateBrowserClient().GetDocumentAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("No coffee yet", page.QuerySelector("#no-coffee-yet h2")?.TextContent);
        Assert.Null(page.QuerySelector("#no-match"));
        Assert.Null(page.QuerySelector(".catalog-filter"));
        // A search on the empty shop still says that nothing matches it.
        var search = await production.CreateBrowserClient().GetDocumentAsync("/?q=kenya");
        Assert.NotNull(search.QuerySelector("#no-match"));
        Assert.Null(search.QuerySelector("#no-coffee-yet"));
    }

    private sealed class CapturedErrors : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _events = new();

        public IEnumerable<string> Events => _events;

        public void Emit(LogEvent logEvent)
        {
            if (logEvent.Level >= LogEventLevel.Error)
            {
                _events.Enqueue($"{logEvent.Level}: {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)} {logEvent.Exception?.GetType().Name}");
            }
        }
    }
}
