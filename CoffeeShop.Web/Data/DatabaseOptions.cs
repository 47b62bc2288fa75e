using Npgsql;

namespace CoffeeShop.Web.Data;

/// <summary>Where the shop's PostgreSQL database is: <c>ConnectionStrings:CoffeeShop</c>.</summary>
public sealed class DatabaseOptions
{
    public const string ConnectionStringKey = "ConnectionStrings:CoffeeShop";

    public string? ConnectionString { get; set; }

    /// <summary>Checks the setting and names the key and where to set it when it is wrong.</summary>
    internal static IEnumerable<string> Problems(DatabaseOptions options)
    {
        const string where = "Set it with `dotnet user-secrets set \"ConnectionStrings:CoffeeShop\" \"Host=…;Database=…\"` "
            + "or the environment variable ConnectionStrings__CoffeeShop.";
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            yield return $"The setting {ConnectionStringKey} is missing. {where}";
            yield break;
        }

        string? problem = null;
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host))
            {
                problem = "it names no Host";
            }
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            yield return $"The setting {ConnectionStringKey} is not a valid PostgreSQL connection string ({problem}). {where}";
        }
    }
}
