namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

public static class RequestWaits
{
    /// <summary>Waits until the fake has received a request that matches (at most <paramref name="timeout"/>, default 10 s).</summary>
    public static async Task WaitForRequestAsync(this FakeStripeApi stripe, Func<RecordedRequest, bool> match, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!stripe.Requests.Any(match))
        {
            await tick.WaitForNextTickAsync(limit.Token);
        }
    }
}
