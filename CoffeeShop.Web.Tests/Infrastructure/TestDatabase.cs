using Npgsql;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>The PostgreSQL database the tests run against: <c>COFFEESHOP_TEST_CONNECTION</c>, set by scripts/test.</summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "COFFEESHOP_TEST_CONNECTION";

    public static string ConnectionString { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"Set {EnvironmentVariable} to a PostgreSQL connection string (a database the tests may wipe), "
            + "or run ./scripts/test, which starts a private PostgreSQL and sets it.");

    /// <summary>Creates the test database when it does not exist yet.</summary>
    public static async Task EnsureCreatedAsync()
    {
        var target = new NpgsqlConnectionStringBuilder(ConnectionString);
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", target.Database!);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }
}
