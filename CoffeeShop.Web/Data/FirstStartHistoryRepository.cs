// Npgsql's history repository is internal API (EF1001): subclassed for the existence check below, nothing else.
#pragma warning disable EF1001
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace CoffeeShop.Web.Data;

/// <summary>
/// The migrations history as Npgsql reads it, except how it finds out whether the history table exists: Npgsql
/// tries to read the table and catches the failure, which EF logs at Error first (dotnet/efcore#37328), so a new
/// shop's first Development start, its first run of the migrations bundle and every readiness probe of a database
/// not yet migrated printed an error that was none. Here PostgreSQL's catalog is asked (<c>to_regclass</c>, which
/// answers null for a missing table instead of failing), and an absent table means nothing is applied; a command
/// that fails for a real reason still logs its error.
/// </summary>
internal sealed class FirstStartHistoryRepository(HistoryRepositoryDependencies dependencies) : NpgsqlHistoryRepository(dependencies)
{
    private string TableExistsSql =>
        $"SELECT to_regclass('{Dependencies.SqlGenerationHelper.DelimitIdentifier(TableName, TableSchema).Replace("'", "''", StringComparison.Ordinal)}') IS NOT NULL";

    private RelationalCommandParameterObject Parameters => new(
        Dependencies.Connection, null, null, Dependencies.CurrentContext.Context, Dependencies.CommandLogger, CommandSource.Migrations);

    public override bool Exists() =>
        Dependencies.DatabaseCreator.Exists()
        && Dependencies.RawSqlCommandBuilder.Build(TableExistsSql).ExecuteScalar(Parameters) is true;

    public override async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        await Dependencies.DatabaseCreator.ExistsAsync(cancellationToken)
        && await Dependencies.RawSqlCommandBuilder.Build(TableExistsSql).ExecuteScalarAsync(Parameters, cancellationToken) is true;

    public override IReadOnlyList<HistoryRow> GetAppliedMigrations() => Exists() ? base.GetAppliedMigrations() : [];

    public override async Task<IReadOnlyList<HistoryRow>> GetAppliedMigrationsAsync(CancellationToken cancellationToken = default) =>
        await ExistsAsync(cancellationToken) ? await base.GetAppliedMigrationsAsync(cancellationToken) : [];
}
