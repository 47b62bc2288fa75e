using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using System.Data.Common;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Just before a transaction that made an order Paid commits, tries to lock, from another connection and
/// without waiting, the rows every payment shares: the invoice sequence, the orders desk's counts and the
/// products. It asks for the lock an UPDATE of those rows takes (FOR NO KEY UPDATE), which the key-share
/// locks of foreign keys do not block. Records the tables whose rows the paying transaction still held.
/// </summary>
public sealed class SharedRowsProbe : DbTransactionInterceptor
{
    private static readonly string[] SharedRows =
    [
        "SELECT 1 FROM document_sequences WHERE name = 'invoice' FOR NO KEY UPDATE NOWAIT",
        "SELECT 1 FROM order_fulfilment_counts FOR NO KEY UPDATE NOWAIT",
        "SELECT 1 FROM products FOR NO KEY UPDATE NOWAIT",
    ];

    private readonly Lock _gate = new();
    private readonly List<IReadOnlyList<string>> _probes = [];

    /// <summary>For each paying transaction probed, the tables whose rows it held just before its commit.</summary>
    public IReadOnlyList<IReadOnlyList<string>> HeldBeforeCommit
    {
        get
        {
            lock (_gate)
            {
                return [.. _probes];
            }
        }
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.ChangeTracker.Entries<Order>().Any(e => e.Entity.Status == OrderStatus.Paid) == true)
        {
            var held = new List<string>();
            await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var probe in SharedRows)
            {
                await using var probing = await connection.BeginTransactionAsync(cancellationToken);
                try
                {
                    await using var command = new NpgsqlCommand(probe, connection, probing);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    held.Add(probe.Split(' ')[3]);
                }

                await probing.RollbackAsync(cancellationToken);
            }

            lock (_gate)
            {
                _probes.Add(held);
            }
        }

        return result;
    }
}
