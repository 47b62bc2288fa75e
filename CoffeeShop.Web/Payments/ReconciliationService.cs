using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// Runs the reconciler every <see cref="ReconciliationOptions.IntervalSeconds"/> on every instance; a pass
/// goes on claiming batches while they come back full, for up to one interval.
/// </summary>
public sealed class ReconciliationService(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<ReconciliationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds);
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileBacklogAsync(interval, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reconciliation pass failed; the next pass tries again");
            }
        }
    }
}
