using System.Globalization;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

// The fake Stripe API of the tests as a process: it listens on 127.0.0.1 (a free port), prints
// "listening <base address>" and runs until it is stopped (SIGTERM/SIGINT).
// Latency in milliseconds: the first argument, else FAKE_STRIPE_LATENCY_MS, else 0. When
// FAKE_STRIPE_LATENCY_FILE names a file, a whole number written into it becomes the latency of the
// requests that arrive from then on (read every 50 ms): bench/run holds checkouts on Stripe that way.
var latencyText = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("FAKE_STRIPE_LATENCY_MS") ?? "0";
if (!int.TryParse(latencyText, NumberStyles.None, CultureInfo.InvariantCulture, out var latencyMs))
{
    await Console.Error.WriteLineAsync($"Latency must be a whole number of milliseconds, got '{latencyText}'.");
    return 2;
}

await using var fake = await FakeStripeApi.StartAsync();
fake.Latency = TimeSpan.FromMilliseconds(latencyMs);
Console.WriteLine($"listening {fake.BaseAddress} latency {latencyMs} ms");

using var stopped = new CancellationTokenSource();
if (Environment.GetEnvironmentVariable("FAKE_STRIPE_LATENCY_FILE") is { Length: > 0 } latencyFile)
{
    _ = Task.Run(async () =>
    {
        while (!stopped.IsCancellationRequested)
        {
            var text = File.Exists(latencyFile) ? (await File.ReadAllTextAsync(latencyFile)).Trim() : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && fake.Latency != TimeSpan.FromMilliseconds(ms))
            {
                fake.Latency = TimeSpan.FromMilliseconds(ms);
                Console.WriteLine($"latency {ms} ms");
            }

            await Task.Delay(50);
        }
    });
}

using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.Cancel();
};

try
{
    await Task.Delay(Timeout.Infinite, stopped.Token);
}
catch (OperationCanceledException)
{
    // Stopped: dispose the fake and leave.
}

Console.WriteLine($"stopped after {fake.Requests.Count} requests");
return 0;
