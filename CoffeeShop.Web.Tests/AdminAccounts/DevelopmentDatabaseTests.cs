using System.Collections.Concurrent;
using System.Net;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog.Core;
using Serilog.Events;

namespace CoffeeShop.Web.Tests.AdminAccounts;

/// <summary>
/// Development start-up migrates, seeds and gives an admin a known password: only on a database on this machine,
/// so a production connection string exported in the shell is never touched.
/// </summary>
public class DevelopmentDatabaseTests
{
    [Theory]
    [InlineData("Host=127.0.0.1;Port=55432;Database=coffeeshop;Username=postgres", true)]
    [InlineData("Host=127.1.2.3;Database=coffeeshop", true)]
    [InlineData("Host=localhost;Database=coffeeshop", true)]
    [InlineData("Server=LOCALHOST;Database=coffeeshop", true)]
    [InlineData("Host=::1;Database=coffeeshop", true)]
    [InlineData("Host=[::1]:5432,127.0.0.1:5433;Database=coffeeshop", true)]
    [InlineData("Host=/var/run/postgresql;Database=coffeeshop", true)]
    [InlineData("Host=@coffeeshop;Database=coffeeshop", true)]
    [InlineData("Host=db.example.com;Database=coffeeshop", false)]
    [InlineData("Host=10.0.0.5;Database=coffeeshop", false)]
    [InlineData("Host=localhost.example.com;Database=coffeeshop", false)]
    [InlineData("Host=127.0.0.1.example.com;Database=coffeeshop", false)]
    [InlineData("Host=127.0.0.1,db.example.com;Database=coffeeshop", false)]
    [InlineData("Host=::ffff:10.0.0.5;Database=coffeeshop", false)]
    [InlineData("Database=coffeeshop", false)]
    [InlineData("this is not a connection string", false)]
    [InlineData("", false)]
    public void IsOnThisMachine_OnlyLoopbackHostsAndUnixSockets(string connectionString, bool expected) =>
        Assert.Equal(expected, DatabaseOptions.IsOnThisMachine(connectionString));

    [Fact]
    public async Task DevelopmentAdminSeed_DatabaseNotOnThisMachine_CreatesNoAdmin()
    {
        // No services at all: any attempt to create the admin would throw.
        await using var nothing = new ServiceCollection().BuildServiceProvider();
        var admin = Options.Create(new AdminOptions { DevEmail = "dev-admin@coffeeshop.test", DevPassword = "dev-only-espresso-beans" });

        var remote = new DevelopmentAdminSeed(nothing, admin, Options.Create(new DatabaseOptions { ConnectionString = "Host=db.example.com;Database=shop" }),
            NullLogger<DevelopmentAdminSeed>.Instance);
        await remote.StartAsync(CancellationToken.None);

        var local = new DevelopmentAdminSeed(nothing, admin, Options.Create(new DatabaseOptions { ConnectionString = "Host=127.0.0.1;Database=shop" }),
            NullLogger<DevelopmentAdminSeed>.Instance);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => local.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Start_InDevelopmentWithDatabaseElsewhere_SkipsMigrationsSeedAndAdminWithWarnings()
    {
        var warnings = new CapturedWarnings();
        // TEST-NET-1: routed nowhere, so any attempt to migrate or seed would fail the start.
        await using var development = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:CoffeeShop"] = "Host=192.0.2.10;Port=5432;Database=shop;Username=shop;Timeout=3",
            ["Admin:DevEmail"] = "dev-admin@coffeeshop.test",
            ["Admin:DevPassword"] = "dev-only-espresso-beans",
        }, services: s => s.AddSingleton<ILogEventSink>(warnings), environment: "Development");

        var live = await development.CreateBrowserClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains(warnings.Messages, m => m.Contains("Development start-up applied no migrations and seeded nothing", StringComparison.Ordinal)
            && m.Contains("192.0.2.10", StringComparison.Ordinal));
        Assert.Contains(warnings.Messages, m => m.Contains("The Development admin was not set up", StringComparison.Ordinal));
    }

    private sealed class CapturedWarnings : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;

        public void Emit(LogEvent logEvent)
        {
            if (logEvent.Level >= LogEventLevel.Warning)
            {
                _messages.Enqueue(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
