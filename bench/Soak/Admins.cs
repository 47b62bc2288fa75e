using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CoffeeShop.Bench.CheckoutLoad;
using OtpNet;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The admins: signed in once (create-admin's enrolment link, then two-factor), they take paid orders as
/// they come and pack and ship them at the orders desk, or refund them on the payment's page (in part, or
/// in full with the bags back in stock). Their answers must never be 5xx outside a fault window either.
/// </summary>
internal sealed partial class Admins(Shop shop, PaidOrders paid, Counters counters)
{
    private readonly Customer _admin = new();
    private string _email = "";
    private string _password = "";
    private byte[] _authenticatorKey = [];

    public async Task SignInAsync(string enrolLink, string email, string password, CancellationToken cancellationToken)
    {
        var link = new Uri(enrolLink, UriKind.Absolute).PathAndQuery;
        using (var toSignIn = await shop.SendAsync(_admin, HttpMethod.Get, link, "admin", cancellationToken: cancellationToken))
        {
            var login = toSignIn.Headers.Location?.OriginalString ?? throw new BenchException($"the enrolment link answered {(int)toSignIn.StatusCode}, not a sign-in redirect");
            var page = await shop.GetPageAsync(_admin, login, "admin", cancellationToken);
            var fields = ShopClient.FormFields(page, "class=\"sign-in-form\"", out var action);
            using var signedIn = await shop.SendAsync(_admin, HttpMethod.Post, action ?? login, "admin",
                Customers.Replace(fields, ("Input.Email", email), ("Input.Password", password)), cancellationToken: cancellationToken);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
            {
                throw new BenchException($"the admin's sign-in answered {(int)signedIn.StatusCode}");
            }
        }

        var enrol = await shop.GetPageAsync(_admin, link, "admin", cancellationToken);
        var keyStart = enrol.IndexOf("id=\"shared-key\">", StringComparison.Ordinal);
        if (keyStart < 0)
        {
            throw new BenchException("the enrolment page shows no authenticator key");
        }

        keyStart += "id=\"shared-key\">".Length;
        var key = enrol[keyStart..enrol.IndexOf('<', keyStart)].Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        (_email, _password, _authenticatorKey) = (email, password, Base32Encoding.ToBytes(key));
        var code = new Totp(_authenticatorKey).ComputeTotp(DateTime.UtcNow);
        var form = ShopClient.FormFields(enrol, "id=\"authenticator-form\"", out var enrolAction);
        using var enrolled = await shop.SendAsync(_admin, HttpMethod.Post, enrolAction ?? link, "admin", Customers.Replace(form, ("Input.Code", code)), cancellationToken: cancellationToken);
        if (enrolled.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"turning two-factor on answered {(int)enrolled.StatusCode}");
        }

        Console.Error.WriteLine("admin signed in with two-factor");
    }

    /// <summary>One paid order: packed and shipped (most), refunded in part, or refunded in full with its bags returned.</summary>
    public async Task WorkAsync(int who, CancellationToken cancellationToken)
    {
        await Task.Delay(Random.Shared.Next(500, 2500), cancellationToken);
        if (paid.Take() is not { } order)
        {
            return;
        }

        var path = $"/Admin/Orders/{order.Id.ToString(CultureInfo.InvariantCulture)}";
        var page = await AdminPageAsync(path, cancellationToken);
        var roll = Random.Shared.Next(100);
        if (roll < 55)
        {
            if (await StepAsync(path, page, "pack-form", [], cancellationToken) is { } packed
                && await StepAsync(path, packed, "ship-form", [("Step.Carrier", "DHL"), ("Step.TrackingNumber", $"00340434{Random.Shared.Next(10000000, 99999999)}")], cancellationToken) is not null)
            {
                counters.Add("admin: packed and shipped");
            }

            return;
        }

        if (PaymentLink().Match(page) is not { Success: true } payment)
        {
            counters.Add("admin: order has no payment to refund");
            return;
        }

        var full = roll >= 80;
        await RefundAsync($"/Admin/Payments/{payment.Groups[1].Value}", full, cancellationToken);
    }

    /// <summary>
    /// An admin page; when the shop has signed the admin out (the security stamp is checked on every request,
    /// and a check that met the database restarting counts as failed), the admin signs in again, as a person
    /// would: password, then the authenticator's code.
    /// </summary>
    private async Task<string> AdminPageAsync(string path, CancellationToken cancellationToken)
    {
        using (var response = await shop.SendAsync(_admin, HttpMethod.Get, path, "admin", cancellationToken: cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadAsStringAsync(cancellationToken);
            }

            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("/Account/Login", StringComparison.Ordinal) != true)
            {
                throw new SoakRequestException($"GET {path} answered {(int)response.StatusCode}");
            }
        }

        await SignInAgainAsync(cancellationToken);
        return await shop.GetPageAsync(_admin, path, "admin", cancellationToken);
    }

    private async Task SignInAgainAsync(CancellationToken cancellationToken)
    {
        var login = await shop.GetPageAsync(_admin, "/Identity/Account/Login", "admin", cancellationToken);
        var fields = ShopClient.FormFields(login, "class=\"sign-in-form\"", out var action);
        using var signedIn = await shop.SendAsync(_admin, HttpMethod.Post, action ?? "/Identity/Account/Login", "admin",
            Customers.Replace(fields, ("Input.Email", _email), ("Input.Password", _password)), cancellationToken: cancellationToken);
        var second = signedIn.Headers.Location?.OriginalString ?? throw new SoakRequestException($"the admin's sign-in answered {(int)signedIn.StatusCode}");
        var page = await shop.GetPageAsync(_admin, second, "admin", cancellationToken);
        var form = ShopClient.FormFields(page, "id=\"two-factor-form\"", out var codeAction);
        // A code is taken once: the next one comes with the next 30 s step.
        await Task.Delay(TimeSpan.FromSeconds(31 - (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30)), cancellationToken);
        using var done = await shop.SendAsync(_admin, HttpMethod.Post, codeAction ?? second, "admin",
            Customers.Replace(form, ("Input.TwoFactorCode", new Totp(_authenticatorKey).ComputeTotp(DateTime.UtcNow))), cancellationToken: cancellationToken);
        counters.Add(done.StatusCode == HttpStatusCode.Redirect ? "admin: signed in again" : $"admin: second step answered {(int)done.StatusCode}");
    }

    private async Task<string?> StepAsync(string path, string page, string formId, (string, string)[] values, CancellationToken cancellationToken)
    {
        if (!page.Contains($"id=\"{formId}\"", StringComparison.Ordinal))
        {
            counters.Add($"admin: no {formId} (not paid yet, or already moved)");
            return null;
        }

        var fields = ShopClient.FormFields(page, $"id=\"{formId}\"", out var action);
        using var answer = await shop.SendAsync(_admin, HttpMethod.Post, action ?? path, "admin", Customers.Replace(fields, values), cancellationToken: cancellationToken);
        if ((int)answer.StatusCode >= 500)
        {
            throw new SoakRequestException($"the admin's {formId} answered {(int)answer.StatusCode}");
        }

        return await AdminPageAsync(path, cancellationToken);
    }

    private async Task RefundAsync(string path, bool full, CancellationToken cancellationToken)
    {
        var page = await AdminPageAsync(path, cancellationToken);
        if (!page.Contains("id=\"refund-form\"", StringComparison.Ordinal))
        {
            counters.Add("admin: nothing to refund");
            return;
        }

        var fields = ShopClient.FormFields(page, "id=\"refund-form\"", out var action);
        var refundable = Refundable().Match(page);
        var amount = full && refundable.Success ? refundable.Groups[1].Value : "1.00";
        var values = new List<(string, string)> { ("Refund.Amount", amount), ("Refund.Reason", "requested_by_customer") };
        if (full)
        {
            values.Add(("Refund.ReturnToStock", "true"));
        }

        using var answer = await shop.SendAsync(_admin, HttpMethod.Post, action ?? path, "admin", Customers.Replace(fields, [.. values]), cancellationToken: cancellationToken);
        if ((int)answer.StatusCode >= 500)
        {
            throw new SoakRequestException($"the admin's refund answered {(int)answer.StatusCode}");
        }

        counters.Add(answer.StatusCode == HttpStatusCode.SeeOther ? (full ? "admin: full refund" : "admin: partial refund") : $"admin: refund answered {(int)answer.StatusCode}");
    }

    [GeneratedRegex("href=\"/Admin/Payments/(\\d+)\"")]
    private static partial Regex PaymentLink();

    /// <summary>"Amount (EUR, at most 12.34)" on the refund form.</summary>
    [GeneratedRegex("at most [^0-9]*([0-9]+\\.[0-9]{2})")]
    private static partial Regex Refundable();
}
