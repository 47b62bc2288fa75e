using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The two instances as customers reach them through a load balancer: each request goes to one of them
/// at random, and a request an instance cannot take (connection refused or reset: it was killed) goes to
/// the other. Every answer is written to the request log (time, kind, status, duration), from which the
/// ledger counts 5xx answers and page latencies.
/// </summary>
internal sealed class Shop : IDisposable
{
    private readonly ShopClient[] _instances;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();

    public Shop(IEnumerable<string> bases, string certificatePem, string requestLog)
    {
        _instances = bases.Select(b => new ShopClient(new Uri(b), certificatePem, maxConnections: 64)).ToArray();
        foreach (var instance in _instances)
        {
            // A hung Stripe call holds a checkout for the shop's timeout and retries; a customer waits that long, not forever.
            instance.Http.Timeout = TimeSpan.FromSeconds(45);
        }

        _log = new StreamWriter(requestLog, append: false) { AutoFlush = true };
    }

    /// <summary>Sends, following no redirects; the kind names the page for the latency figures ("catalog", "checkout-post", …).</summary>
    public async Task<HttpResponseMessage> SendAsync(Customer who, HttpMethod method, string path, string kind,
        IEnumerable<KeyValuePair<string, string>>? form = null, IReadOnlyDictionary<string, string>? headers = null, string? body = null,
        CancellationToken cancellationToken = default)
    {
        var first = Random.Shared.Next(_instances.Length);
        for (var attempt = 0; ; attempt++)
        {
            var instance = _instances[(first + attempt) % _instances.Length];
            HttpContent? content = form is not null ? new FormUrlEncodedContent(form)
                : body is not null ? new StringContent(body, System.Text.Encoding.UTF8, "application/json") : null;
            using var request = who.Request(method, path, content);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            var started = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            try
            {
                var response = await instance.Http.SendAsync(request, cancellationToken);
                who.Store(response);
                Record(started, kind, (int)response.StatusCode, clock.ElapsedMilliseconds, instance.BaseAddress.Port);
                return response;
            }
            catch (HttpRequestException ex) when (attempt < 3 && ex.InnerException is System.Net.Sockets.SocketException or IOException or null)
            {
                // The instance is down (killed) or dropped the connection: the load balancer tries the other one.
                Record(started, kind, 0, clock.ElapsedMilliseconds, instance.BaseAddress.Port);
                await Task.Delay(200, cancellationToken);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Record(started, kind, 0, clock.ElapsedMilliseconds, instance.BaseAddress.Port);
                throw new SoakRequestException($"{method} {path} timed out");
            }
        }
    }

    public async Task<string> GetPageAsync(Customer who, string path, string kind, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(who, HttpMethod.Get, path, kind, cancellationToken: cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? html : throw new SoakRequestException($"GET {path} answered {(int)response.StatusCode}");
    }

    private void Record(DateTimeOffset started, string kind, int status, long milliseconds, int port)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{started.ToUnixTimeMilliseconds()}\t{kind}\t{status}\t{milliseconds}\t{port}");
        lock (_logGate)
        {
            _log.WriteLine(line);
        }
    }

    public void Dispose()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        _log.Dispose();
    }
}

/// <summary>A step of a customer's or admin's visit that did not go as a browser would expect (counted, the visit given up).</summary>
internal sealed class SoakRequestException(string message) : Exception(message);

/// <summary>What the traffic did, counted by name (printed as TRAFFIC lines at the end).</summary>
internal sealed class Counters
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Add(string name) => _counts.AddOrUpdate(name, 1, (_, n) => n + 1);

    public int this[string name] => _counts.GetValueOrDefault(name);

    public IEnumerable<KeyValuePair<string, int>> All => _counts.OrderBy(c => c.Key, StringComparer.Ordinal);
}
