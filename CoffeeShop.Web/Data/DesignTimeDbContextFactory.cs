using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CoffeeShop.Web.Data;

/// <summary>
/// Lets `dotnet ef migrations add` build the model without a database or the app's settings.
/// `dotnet ef database update` and bundles take the real connection string with --connection.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseShopDatabase("Host=localhost;Database=coffeeshop_design_time");
        return new AppDbContext(options.Options);
    }
}
