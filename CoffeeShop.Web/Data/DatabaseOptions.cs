using System.Net;
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

    /// <summary>
    /// Whether every host of the connection string is this machine: a loopback address (127.0.0.0/8, ::1),
    /// <c>localhost</c>, or a Unix socket (a directory path, or an abstract socket starting with @).
    /// </summary>
    public static bool IsOnThisMachine(string? connectionString)
    {
        var hosts = Hosts(connectionString);
        return hosts.Count > 0 && hosts.All(IsLoopbackHost);
    }

    /// <summary>The hosts a connection string names (Npgsql takes a comma-separated list, each with an optional port).</summary>
    internal static IReadOnlyList<string> Hosts(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return [];
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).Host?
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        }
        catch (ArgumentException)
        {
            return [];
        }
    }

    internal static bool IsLoopbackHost(string host)
    {
        if (host.StartsWith('/') || host.StartsWith('@'))
        {
            return true;
        }

        var name = host;
        if (name.StartsWith('['))
        {
            // [::1]:5432
            var end = name.IndexOf(']', StringComparison.Ordinal);
            name = end > 0 ? name[1..end] : name;
        }
        else if (name.Count(c => c == ':') == 1)
        {
            // 127.0.0.1:5432 or localhost:5432; a bare IPv6 address has more than one colon.
            name = name[..name.IndexOf(':', StringComparison.Ordinal)];
        }

        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }
}
