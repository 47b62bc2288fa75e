using CoffeeShop.Bench.CheckoutLoad;
using CoffeeShop.Bench.Soak;

// Usage (bench/soak runs both):
//   Soak traffic --bases https://127.0.0.1:5301,https://127.0.0.1:5302 --cert cert.pem --control http://127.0.0.1:55190
//                --webhook-secret whsec_… --enrol-link URL --admin-email E --admin-password P --customers 16
//                --scarce SLUG --seconds 3600 --requests requests.tsv
//   Soak ledger  --connection "Host=…" --control URL --smtp http://127.0.0.1:55181 --initial-stock FILE
//                --requests requests.tsv --faults faults.tsv --grace-ms 22000 --inbox inbox.tsv
//   Soak inbox   --smtp http://127.0.0.1:55181 --file inbox.tsv   (until SIGTERM)
// traffic prints TRAFFIC lines (what it did, counted); ledger prints the Markdown table and exits 1 when a row fails;
// inbox moves smtp4dev's messages into the file as they arrive (Inbox.cs), for the ledger.
if (args.Length == 0 || args[0] is not ("traffic" or "ledger" or "inbox"))
{
    await Console.Error.WriteLineAsync("usage: Soak traffic|ledger|inbox [options] (see Program.cs)");
    return 2;
}

var options = Options.Parse(args.AsSpan(1));
try
{
    return args[0] switch
    {
        "traffic" => await Traffic.RunAsync(options),
        "inbox" => await Inbox.RunAsync(options),
        _ => await Ledger.RunAsync(options),
    };
}
catch (BenchException ex)
{
    await Console.Error.WriteLineAsync($"Soak: {ex.Message}");
    return 2;
}
