using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// What the app sent PostgreSQL, in order: every command (with whether a transaction was open) and
/// every BEGIN, COMMIT and ROLLBACK. Register with <see cref="AddTo"/> on a factory of its own.
/// </summary>
public sealed class DatabaseJournal
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Clear() => _entries.Clear();

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IInterceptor>(new Commands(this));
        services.AddSingleton<IInterceptor>(new Transactions(this));
    }

    private void Add(string entry) => _entries.Enqueue(entry);

    private void Add(DbCommand command) =>
        Add($"{(command.Transaction is null ? "" : "  in transaction: ")}{string.Join(' ', command.CommandText.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))}");

    private sealed class Commands(DatabaseJournal journal) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            journal.Add(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            journal.Add(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            journal.Add(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            journal.Add(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            journal.Add(command);
            return base.NonQueryExecuting(command, eventData, result);
        }
    }

    private sealed class Transactions(DatabaseJournal journal) : DbTransactionInterceptor
    {
        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            journal.Add("BEGIN");
            return base.TransactionStartingAsync(connection, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            journal.Add("COMMIT");
            return base.TransactionCommittingAsync(transaction, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult> TransactionRollingBackAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            journal.Add("ROLLBACK");
            return base.TransactionRollingBackAsync(transaction, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            journal.Add("SAVEPOINT");
            return base.CreatingSavepointAsync(transaction, eventData, result, cancellationToken);
        }
    }
}
