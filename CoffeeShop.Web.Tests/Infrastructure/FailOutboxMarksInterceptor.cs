using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Breaks the database as a PostgreSQL restart does: the next <paramref name="failures"/> statements that
/// mark outbox messages sent fail with 57P01 ("terminating connection due to administrator command"), which
/// is also what a pooled connection the server closed says on its first use after the restart.
/// </summary>
public sealed class FailOutboxMarksInterceptor(int failures) : DbCommandInterceptor
{
    private readonly int _failures = failures;
    private int _left = failures;

    public int Failed => _failures - Math.Max(Volatile.Read(ref _left), 0);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("UPDATE outbox_messages", StringComparison.Ordinal)
            && command.CommandText.Contains("sent_at =", StringComparison.Ordinal)
            && Interlocked.Decrement(ref _left) >= 0)
        {
            throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
