using System.Globalization;
using CoffeeShop.Bench.CheckoutLoad;

// Usage:
//   CheckoutLoad load   --base https://127.0.0.1:PORT --cert cert.pem [--product kiambu-aa] [--carts 2200]
//                       [--workers 64] [--seconds 10] [--token ctoken_pm_card_visa] [--go-file PATH]
//   CheckoutLoad weight --base https://127.0.0.1:PORT --cert cert.pem [--product kiambu-aa]
//   CheckoutLoad race   --base https://127.0.0.1:PORT --cert cert.pem --product SLUG [--customers 64]
//                       [--token ctoken_pm_card_visa] [--go-file PATH]
//   CheckoutLoad smoke  --base https://127.0.0.1:PORT --cert cert.pem --stripe FAKE_URL --stripe-key sk_test_…
//                       --webhook-secret whsec_… --admin-email E --admin-password P --enrol-link URL
//                       (scripts/deploy-smoke: DeploySmoke.cs)
//   CheckoutLoad webhooks --base https://127.0.0.1:PORT --cert cert.pem --stripe FAKE_URL --stripe-key sk_test_…
//                       --webhook-secret whsec_… --payment-intents FILE (one id a line) [--count 500] [--workers 8]
//                       [--go-file PATH] (bench/run: WebhookRun.cs)
// Results go to stdout as "RESULT key=value ..." lines (load, race, webhooks) and "PAGE"/"RES" lines (weight).
if (args.Length == 0 || args[0] is not ("load" or "weight" or "race" or "smoke" or "webhooks"))
{
    await Console.Error.WriteLineAsync("usage: CheckoutLoad load|weight|race|smoke|webhooks --base URL --cert PEM [options] (see Program.cs)");
    return 2;
}

var options = Options.Parse(args.AsSpan(1));
var connections = args[0] switch { "race" => options.Int("customers", 64), "webhooks" => options.Int("workers", 8), _ => options.Int("workers", 64) };
using var shop = new ShopClient(new Uri(options.Get("base")), options.Get("cert"), Math.Max(connections, 16));
// The race needs a product no other scenario buys, so it has no default.
var product = args[0] == "race" ? options.Get("product") : options.Get("product", "kiambu-aa");
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

try
{
    if (args[0] == "smoke")
    {
        return await new DeploySmoke(shop, options).RunAsync(stopping.Token);
    }

    if (args[0] == "weight")
    {
        return await PageWeight.RunAsync(shop, product, stopping.Token);
    }

    if (args[0] == "race")
    {
        var race = new LastBagsRace(shop, product, options.Get("token", "ctoken_pm_card_visa"));
        var customers = await race.PrepareAsync(options.Int("customers", 64), stopping.Token);
        if (options.Find("go-file") is { } raceGoFile)
        {
            await WaitForFileAsync(raceGoFile, TimeSpan.FromMinutes(10), stopping.Token);
        }

        Console.WriteLine((await race.RunAsync(customers, stopping.Token)).Summary());
        return 0;
    }

    if (args[0] == "webhooks")
    {
        var webhooks = new WebhookRun(shop, new Uri(options.Get("stripe")), options.Get("stripe-key"), options.Get("webhook-secret"));
        var ids = (await File.ReadAllLinesAsync(options.Get("payment-intents"), stopping.Token)).Where(l => l.Length > 0).ToList();
        var payloads = await webhooks.PrepareAsync(ids, options.Int("count", 500), stopping.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PREPARED webhooks={payloads.Count} payment_intents={Math.Min(ids.Count, payloads.Count)} bytes_each={payloads.Sum(p => p.Length) / payloads.Count}"));
        if (options.Find("go-file") is { } webhooksGoFile)
        {
            await WaitForFileAsync(webhooksGoFile, TimeSpan.FromMinutes(10), stopping.Token);
        }

        Console.WriteLine((await webhooks.RunAsync(payloads, options.Int("workers", 8), stopping.Token)).Summary());
        return 0;
    }

    var load = new CheckoutRun(shop, product, options.Get("token", "ctoken_pm_card_visa"));
    var carts = options.Int("carts", 2200);
    var prepared = await load.PrepareAsync(carts, concurrency: 16, stopping.Token);
    if (options.Find("go-file") is { } goFile)
    {
        await WaitForFileAsync(goFile, TimeSpan.FromMinutes(10), stopping.Token);
    }

    var result = await load.RunAsync(prepared, options.Int("workers", 64), TimeSpan.FromSeconds(options.Int("seconds", 10)), stopping.Token);
    Console.WriteLine(result.Summary());
    return 0;
}
catch (BenchException ex)
{
    await Console.Error.WriteLineAsync($"CheckoutLoad: {ex.Message}");
    return 1;
}

static async Task WaitForFileAsync(string path, TimeSpan limit, CancellationToken cancellationToken)
{
    var until = DateTime.UtcNow + limit;
    while (!File.Exists(path))
    {
        if (DateTime.UtcNow > until)
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"{path} did not appear within {limit.TotalMinutes} minutes"));
        }

        await Task.Delay(5, cancellationToken);
    }
}
