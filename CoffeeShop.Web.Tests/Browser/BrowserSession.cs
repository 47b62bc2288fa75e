using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// One customer's (or admin's) browser tab on a shop: a fresh context (no cookies), 1200×800, and a
/// watch over everything a person would not see: console errors, uncaught script errors, CSP
/// violations, failed requests and 4xx/5xx answers from the shop. <see cref="AssertNoProblems"/>
/// fails the test with the list; answers the test provokes on purpose are declared with <see cref="Allow"/>.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    /// <summary>Bounded waits: long enough for a cold first request, short enough to fail fast.</summary>
    public const float ActionTimeoutMs = 15_000;
    public const float NavigationTimeoutMs = 30_000;

    // Runs before any page script: reports CSP violations (with the offending element) to the test and keeps them on the page too.
    private const string CspWatch = """
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          const target = e.target instanceof Element ? e.target : null;
          const v = { directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, page: location.href,
                      element: target ? target.outerHTML.slice(0, 120) : null };
          window.__csp.push(v);
          if (typeof window.__reportCspViolation === 'function') window.__reportCspViolation(JSON.stringify(v));
        });
        """;

    private readonly List<string> _problems = [];
    private readonly List<(string Method, string Path, int Status)> _allowed = [];
    private readonly IBrowserContext _context;
    private Func<int> _stripeJsServed = () => 0;

    private BrowserSession(IBrowserContext context, IPage page, BrowserShop shop)
    {
        _context = context;
        Page = page;
        Shop = shop.Address;
        Factory = shop.Factory;
    }

    public IPage Page { get; }

    public Uri Shop { get; }

    /// <summary>The app behind <see cref="Shop"/>, for what a person would get from elsewhere (an emailed link).</summary>
    public Infrastructure.ShopFactory Factory { get; }

    /// <summary>How many times a page asked for Stripe.js (answered by <see cref="StripeJsStandIn"/>).</summary>
    public int StripeJsRequests => _stripeJsServed();

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Opens a tab on <paramref name="shop"/>; with a <paramref name="stripeToken"/>, Stripe.js is the stand-in handing out that token.</summary>
    public static async Task<BrowserSession> OpenAsync(IBrowser browser, BrowserShop shop, string stripeToken = "ctoken_pm_card_visa")
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(shop);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = shop.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1200, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "Europe/Berlin",
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(ActionTimeoutMs);
        context.SetDefaultNavigationTimeout(NavigationTimeoutMs);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page, shop);
        await context.ExposeFunctionAsync<string>("__reportCspViolation", json => session.Add($"CSP violation: {json}"));
        await context.AddInitScriptAsync(CspWatch);
        session._stripeJsServed = await StripeJsStandIn.InstallAsync(context, stripeToken);
        session.Watch();
        return session;
    }

    /// <summary>A response the test causes on purpose, e.g. a declined payment answered 400 with the checkout page.</summary>
    public void Allow(string method, string path, int status)
    {
        lock (_problems)
        {
            _allowed.Add((method, path, status));
        }
    }

    /// <summary>Navigates (as typing the address does) and insists on a 200.</summary>
    public async Task GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Status: 200 }, $"GET {path} answered {response?.Status}");
    }

    /// <summary>Waits for the browser to arrive at a path matching <paramref name="path"/> (a regular expression on the path and query) and load it.</summary>
    public Task WaitForPathAsync(string path) =>
        Page.WaitForURLAsync(url => Regex.IsMatch(new Uri(url).PathAndQuery, path, RegexOptions.IgnoreCase), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Load });

    public string Path => new Uri(Page.Url).AbsolutePath;

    /// <summary>Fails with everything that went wrong in the page so far.</summary>
    public async Task AssertNoProblemsAsync()
    {
        // Anything still on the current page (the binding may not have reported it yet).
        var onPage = await Page.EvaluateAsync<string>("() => JSON.stringify(window.__csp || [])");
        if (JsonSerializer.Deserialize<JsonElement[]>(onPage) is { Length: > 0 } violations)
        {
            foreach (var v in violations)
            {
                var text = $"CSP violation: {v.GetRawText()}";
                if (!Problems.Contains(text))
                {
                    Add(text);
                }
            }
        }

        var problems = Problems;
        Assert.True(problems.Count == 0, "The browser saw problems:\n" + string.Join("\n", problems.Distinct()));
    }

    private void Watch()
    {
        Page.Console += (_, message) =>
        {
            // CSP messages are reported, with the element, by the securitypolicyviolation listener.
            if (message.Type == "error" && !IsAllowedLoadError(message.Text) && !CspMessage().IsMatch(message.Text))
            {
                Add($"console error on {Page.Url}: {message.Text} ({message.Location})");
            }
        };
        Page.PageError += (_, error) => Add($"script error on {Page.Url}: {error}");
        Page.RequestFailed += (_, request) => Add($"request failed: {request.Method} {request.Url}: {request.Failure}");
        Page.Response += (_, response) =>
        {
            var url = new Uri(response.Url);
            if (response.Status >= 400 && IsShop(url) && !IsAllowed(response.Request.Method, url.AbsolutePath, response.Status))
            {
                Add($"{response.Status} for {response.Request.Method} {url.PathAndQuery}");
            }
        };
        Page.Crash += (_, _) => Add("the page crashed");
    }

    private bool IsShop(Uri url) => Uri.Compare(url, Shop, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private bool IsAllowed(string method, string path, int status)
    {
        lock (_problems)
        {
            return _allowed.Any(a => a.Status == status && string.Equals(a.Method, method, StringComparison.OrdinalIgnoreCase)
                && string.Equals(a.Path, path, StringComparison.OrdinalIgnoreCase));
        }
    }

    // Chromium also logs "Failed to load resource: ... status of 400" for an answer the test allowed.
    private bool IsAllowedLoadError(string text)
    {
        var match = LoadError().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var status = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        lock (_problems)
        {
            return _allowed.Any(a => a.Status == status);
        }
    }

    [GeneratedRegex("(violates the following Content Security Policy directive|^Refused to .* Content Security Policy)")]
    private static partial Regex CspMessage();

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (\d{3})")]
    private static partial Regex LoadError();

    private void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
