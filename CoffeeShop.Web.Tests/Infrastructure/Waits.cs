namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>Waiting for something to become true, never for a length of time that "should be enough".</summary>
public static class Waits
{
    /// <summary>Checks the condition on a short tick until it holds or <paramref name="timeout"/> passes; answers whether it held.</summary>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, interval);

    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        using var limit = new CancellationTokenSource(timeout);
        using var tick = new PeriodicTimer(interval ?? TimeSpan.FromMilliseconds(10));
        while (!await condition())
        {
            try
            {
                await tick.WaitForNextTickAsync(limit.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                return await condition();
            }
        }

        return true;
    }
}
