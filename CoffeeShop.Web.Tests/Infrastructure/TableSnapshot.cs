using Npgsql;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>A checksum of every row in the shop's tables, to prove that a rejected request changed nothing.</summary>
public static class TableSnapshot
{
    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(params string[] tables)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        var sums = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            // Table names come from the test code, never from input.
            await using var command = new NpgsqlCommand(
                $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection);
            sums[table] = (string)(await command.ExecuteScalarAsync())!;
        }

        return sums;
    }
}
