using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Breaks the database as a PostgreSQL restart does, once armed: the next statement on payment records
/// fails with 57P01 ("terminating connection due to administrator command"), and so does the next
/// statement that gives a Stripe event's claim back, as it would on a connection the restart closed.
/// </summary>
public sealed class FailWebhookHandlingInterceptor : DbCommandInterceptor
{
    private int _paymentFailures;
    private int _releaseFailures;

    public void Arm()
    {
        Volatile.Write(ref _paymentFailures, 1);
        Volatile.Write(ref _releaseFailures, 1);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Break(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Break(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Break(DbCommand command)
    {
        var text = command.CommandText;
        var fails = text.Contains("stripe_events", StringComparison.Ordinal) && text.Contains("claimed_at = NULL", StringComparison.Ordinal)
            ? Interlocked.Decrement(ref _releaseFailures) >= 0
            : text.Contains("payment_records", StringComparison.Ordinal) && Interlocked.Decrement(ref _paymentFailures) >= 0;
        if (fails)
        {
            throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        }
    }
}
