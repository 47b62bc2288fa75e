using System.Text.Json;

namespace CoffeeShop.Web.Tests;

/// <summary>The runtime settings the shop is built with, as the host reads them from its runtimeconfig.json.</summary>
public class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "CoffeeShop.Web.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Gc_Gen0BudgetIsCappedAt8MB_SoMemoryDoesNotFollowTheCpusCache()
    {
        // ADR 0026: left to the GC, the gen0 budget follows the L3 cache size (64 MB on some Xeons: +50 MB resident).
        var properties = ConfigProperties();

        Assert.Equal(8 * 1024 * 1024, properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
