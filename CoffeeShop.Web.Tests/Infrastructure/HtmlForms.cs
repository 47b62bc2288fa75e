using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Reads pages as a browser would and posts their real forms, antiforgery token included,
/// so a test can only submit what the page actually offers (plus what it deliberately adds).
/// </summary>
public static class HtmlForms
{
    public static async Task<IDocument> GetDocumentAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return await ParseAsync(response);
    }

    /// <summary>Follows a redirect with a GET, as a browser does after a form post.</summary>
    public static Task<IDocument> FollowRedirectAsync(this HttpClient client, HttpResponseMessage redirect)
    {
        Assert.True((int)redirect.StatusCode is 302 or 303, $"expected a redirect, got {(int)redirect.StatusCode}");
        return client.GetDocumentAsync(redirect.Headers.Location!.OriginalString);
    }

    public static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(html).Address(response.RequestMessage!.RequestUri!));
    }

    public static IHtmlFormElement Form(this IDocument document, string selector) =>
        document.QuerySelector<IHtmlFormElement>(selector) ?? throw new InvalidOperationException($"No form matches '{selector}'.");

    /// <summary>
    /// Posts a form with the values it holds. <paramref name="values"/> sets or adds fields; a null value removes one.
    /// </summary>
    public static Task<HttpResponseMessage> SubmitAsync(
        this HttpClient client, IHtmlFormElement form, IReadOnlyDictionary<string, string?>? values = null)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name):
                    if (input.Type is "submit" or "button" or "image" or "reset" || (input.Type is "checkbox" or "radio" && !input.IsChecked))
                    {
                        continue;
                    }

                    fields.Add(new(input.Name, input.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    fields.Add(new(select.Name, select.Value ?? ""));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    fields.Add(new(area.Name, area.Value));
                    break;
            }
        }

        foreach (var (name, value) in values ?? new Dictionary<string, string?>())
        {
            fields.RemoveAll(f => f.Key == name);
            if (value is not null)
            {
                fields.Add(new(name, value));
            }
        }

        // Resolve the action against the page's address, as a browser does.
        var page = new Uri(form.Owner!.Url);
        var action = form.GetAttribute("action") is { Length: > 0 } a ? new Uri(page, a) : page;
        return client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>The request verification token a page's form carries.</summary>
    public static string AntiforgeryToken(this IHtmlFormElement form) =>
        form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")?.Value
        ?? throw new InvalidOperationException("The form carries no antiforgery token.");
}
