using System.Globalization;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

// The fake Stripe API of the tests as a process: it listens on 127.0.0.1 (a free port), prints
// "listening <base address>" and runs until it is stopped (SIGTERM/SIGINT).
// Latency in milliseconds: the first argument, else FAKE_STRIPE_LATENCY_MS, else 0. When
// FAKE_STRIPE_LATENCY_FILE names a file, a whole number written into it becomes the latency of the
// requests that arrive from then on (read every 50 ms): bench/run holds checkouts on Stripe that way.
// When FAKE_STRIPE_COUNTS_FILE names a file, creating "<that file>.ask" makes the fake write
// "payment_intents=N requests=N" into it (then it deletes the .ask): bench/run counts the
// PaymentIntents a scenario created that way. On demand, so the count costs nothing while load runs.
// When FAKE_STRIPE_CONTROL names a port, bench/soak's control listener answers there (ControlListener.cs).
var latencyText = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("FAKE_STRIPE_LATENCY_MS") ?? "0";
if (!int.TryParse(latencyText, NumberStyles.None, CultureInfo.InvariantCulture, out var latencyMs))
{
    await Console.Error.WriteLineAsync($"Latency must be a whole number of milliseconds, got '{latencyText}'.");
    return 2;
}

await using var fake = await FakeStripeApi.StartAsync();
fake.Latency = TimeSpan.FromMilliseconds(latencyMs);
Console.WriteLine($"listening {fake.BaseAddress} latency {latencyMs} ms");
await using var control = Environment.GetEnvironmentVariable("FAKE_STRIPE_CONTROL") is { Length: > 0 } controlPort
    ? await CoffeeShop.Bench.FakeStripeServer.ControlListener.StartAsync(fake, int.Parse(controlPort, CultureInfo.InvariantCulture))
    : null;

using var stopped = new CancellationTokenSource();
var latencyFile = Environment.GetEnvironmentVariable("FAKE_STRIPE_LATENCY_FILE") is { Length: > 0 } latencyPath ? latencyPath : null;
var countsFile = Environment.GetEnvironmentVariable("FAKE_STRIPE_COUNTS_FILE") is { Length: > 0 } countsPath ? countsPath : null;
if (latencyFile is not null || countsFile is not null)
{
    _ = Task.Run(async () =>
    {
        while (!stopped.IsCancellationRequested)
        {
            var text = latencyFile is not null && File.Exists(latencyFile) ? (await File.ReadAllTextAsync(latencyFile)).Trim() : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && fake.Latency != TimeSpan.FromMilliseconds(ms))
            {
                fake.Latency = TimeSpan.FromMilliseconds(ms);
                Console.WriteLine($"latency {ms} ms");
            }

            if (countsFile is not null && File.Exists(countsFile + ".ask"))
            {
                var counts = string.Create(CultureInfo.InvariantCulture, $"payment_intents={fake.PaymentIntents.Count} requests={fake.Requests.Count}");
                await File.WriteAllTextAsync(countsFile + ".new", counts + "\n");
                File.Move(countsFile + ".new", countsFile, overwrite: true);
                File.Delete(countsFile + ".ask");
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
