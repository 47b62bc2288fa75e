using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>
/// What a first visit to a page costs on the wire: the HTML and every first-party CSS, JS and image it
/// references (CSS url(...) too), each fetched once with <c>Accept-Encoding: br, gzip</c>, counted as
/// transferred: HTTP/1.1 response headers plus the body as sent (compressed when the shop compresses).
/// Third-party hosts are listed, not fetched.
/// </summary>
internal static partial class PageWeight
{
    public static async Task<int> RunAsync(ShopClient shop, string productSlug, CancellationToken cancellationToken)
    {
        await MeasureAsync(shop, new Customer(), "catalog", "/", cancellationToken);
        await MeasureAsync(shop, new Customer(), "product", $"/Products/{productSlug}", cancellationToken);

        // The checkout page needs a cart: add one bag through the product page's form.
        var customer = new Customer();
        var productPage = await FetchAsync(shop, customer, $"/Products/{productSlug}", cancellationToken);
        var add = ShopClient.FormFields(Encoding.UTF8.GetString(productPage.Body), "class=\"add\"", out var action);
        using (var added = await shop.Http.SendAsync(customer.Request(HttpMethod.Post, action ?? "/Cart?handler=Add", new FormUrlEncodedContent(add)), cancellationToken))
        {
            customer.Store(added);
            if (added.StatusCode != HttpStatusCode.SeeOther)
            {
                throw new BenchException($"add to cart answered {(int)added.StatusCode}");
            }
        }

        await MeasureAsync(shop, customer, "checkout", "/Checkout", cancellationToken);
        return 0;
    }

    private static async Task MeasureAsync(ShopClient shop, Customer customer, string name, string url, CancellationToken cancellationToken)
    {
        var page = await FetchAsync(shop, customer, url, cancellationToken);
        if (page.Status != 200)
        {
            throw new BenchException($"GET {url} answered {page.Status}");
        }

        var pageUri = new Uri(shop.BaseAddress, url);
        var html = page.Text;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Uri>(References(html, pageUri));
        var thirdParty = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var total = page.Transferred;
        var lines = new List<string>();
        // A product photo's renditions (srcset lists them all; a browser fetches one): counted apart.
        var photos = new SortedSet<string>(StringComparer.Ordinal);
        while (queue.TryDequeue(out var resource))
        {
            if (!IsFirstParty(resource, shop.BaseAddress))
            {
                thirdParty.Add(resource.Host);
                continue;
            }

            if (resource.AbsolutePath.StartsWith("/photos/", StringComparison.Ordinal))
            {
                photos.Add(resource.AbsolutePath);
                continue;
            }

            if (!seen.Add(resource.PathAndQuery))
            {
                continue;
            }

            var fetched = await FetchAsync(shop, customer, resource.PathAndQuery, cancellationToken);
            total += fetched.Transferred;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"RES {name} {resource.PathAndQuery} status={fetched.Status} bytes={fetched.Transferred} body={fetched.Body.Length} encoding={fetched.Encoding}"));
            if (fetched.ContentType.Contains("css", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var inner in References(fetched.Text, resource))
                {
                    queue.Enqueue(inner);
                }
            }
            else if (fetched.ContentType.Contains("css", StringComparison.OrdinalIgnoreCase))
            {
                // Compressed CSS: read its url(...) references from an uncompressed copy.
                var plain = await FetchAsync(shop, customer, resource.PathAndQuery, cancellationToken, compressed: false);
                foreach (var inner in References(plain.Text, resource))
                {
                    queue.Enqueue(inner);
                }
            }
        }

        // The photo a 1x screen shows: the smallest WebP (the card's width).
        var photo1x = 0L;
        if (photos.FirstOrDefault(p => p.EndsWith("/320.webp", StringComparison.Ordinal)) is { } card)
        {
            var fetched = await FetchAsync(shop, customer, card, cancellationToken);
            photo1x = fetched.Body.Length;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"RES {name} {card} status={fetched.Status} bytes={fetched.Transferred} body={fetched.Body.Length} encoding={fetched.Encoding} (photo, not in total)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PAGE {name} total={total} html={page.Transferred} html_body={page.Body.Length} html_encoding={page.Encoding} resources={seen.Count} third_party={(thirdParty.Count == 0 ? "none" : string.Join(',', thirdParty))} photo_renditions={photos.Count} photo_1x={photo1x}"));
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }

    private static bool IsFirstParty(Uri resource, Uri shop) =>
        string.Equals(resource.Host, shop.Host, StringComparison.OrdinalIgnoreCase) && resource.Port == shop.Port;

    /// <summary>Resources a browser loads for this text: src/srcset, link href (the favicon too), CSS url(...).</summary>
    private static IEnumerable<Uri> References(string text, Uri baseUri)
    {
        var found = new List<string>();
        foreach (Match tag in ResourceTag().Matches(text))
        {
            // Links a browser does not load with the page: the page's own canonical address, the home-screen icon.
            if (ShopClient.Attribute(tag.Value, "rel") is "canonical" or "apple-touch-icon" or "alternate")
            {
                continue;
            }

            foreach (var attribute in new[] { "src", "href", "srcset", "poster", "data" })
            {
                if (ShopClient.Attribute(tag.Value, attribute) is { Length: > 0 } value)
                {
                    found.AddRange(attribute == "srcset" ? value.Split(',').Select(s => s.Trim().Split(' ')[0]) : [value]);
                }
            }
        }

        found.AddRange(CssUrl().Matches(text).Select(m => m.Groups[1].Value.Trim()));
        foreach (var reference in found)
        {
            if (reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || reference.StartsWith('#'))
            {
                continue;
            }

            if (Uri.TryCreate(baseUri, reference, out var uri) && uri.Scheme is "http" or "https")
            {
                yield return uri;
            }
        }
    }

    private sealed record Fetched(int Status, byte[] Body, long Transferred, string Encoding, string ContentType)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    private static async Task<Fetched> FetchAsync(ShopClient shop, Customer customer, string url, CancellationToken cancellationToken, bool compressed = true)
    {
        using var request = customer.Request(HttpMethod.Get, url);
        if (compressed)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        }

        using var response = await shop.Http.SendAsync(request, cancellationToken);
        customer.Store(response);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);

        // Headers as an HTTP/1.1 response carries them: status line, "Name: value\r\n" each, blank line.
        var headers = $"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n".Length + 2L;
        foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers += values.Sum(v => key.Length + 2 + v.Length + 2);
        }

        var encoding = response.Content.Headers.ContentEncoding.FirstOrDefault() ?? "identity";
        // The bytes sent count as sent; the page is read (for its links) as the browser reads it, decompressed.
        return new Fetched((int)response.StatusCode, Decoded(body, encoding), headers + body.Length, encoding, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    private static byte[] Decoded(byte[] body, string encoding)
    {
        if (encoding is not ("br" or "gzip"))
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "br"
            ? new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<(?:link|script|img|source|iframe|video|audio|embed|object|image|use)\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceTag();

    [GeneratedRegex("url\\(\\s*['\"]?([^'\")]+)['\"]?\\s*\\)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();
}
