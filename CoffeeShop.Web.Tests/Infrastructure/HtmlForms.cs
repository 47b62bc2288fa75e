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
        this HttpClient client, IHtmlFormElement form, IReadOnlyDictionary<string, string?>? values = null) =>
        client.PostAsync(ActionOf(form), new FormUrlEncodedContent(Fields(form, values)));

    /// <summary>
    /// Posts a multipart form (enctype="multipart/form-data") with the values it holds, as <see cref="SubmitAsync"/>,
    /// and a file in each file input named in <paramref name="files"/> (a null file sends the input empty, as a
    /// browser does when none is chosen).
    /// </summary>
    public static Task<HttpResponseMessage> SubmitWithFilesAsync(
        this HttpClient client, IHtmlFormElement form, IReadOnlyDictionary<string, UploadFile?> files, IReadOnlyDictionary<string, string?>? values = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Assert.Equal("multipart/form-data", form.GetAttribute("enctype"));
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in Fields(form, values))
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type == "file" && !string.IsNullOrEmpty(i.Name)))
        {
            files.TryGetValue(input.Name!, out var file);
            var part = new ByteArrayContent(file?.Content ?? []);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(file?.ContentType ?? "application/octet-stream");
            // Set by hand: MultipartFormDataContent refuses the empty file name a browser sends for no file.
            part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data")
            {
                Name = $"\"{input.Name}\"",
                FileName = $"\"{file?.FileName ?? ""}\"",
            };
            content.Add(part);
        }

        return client.PostAsync(ActionOf(form), content);
    }

    private static List<KeyValuePair<string, string>> Fields(IHtmlFormElement form, IReadOnlyDictionary<string, string?>? values)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name):
                    if (input.Type is "submit" or "button" or "image" or "reset" or "file" || (input.Type is "checkbox" or "radio" && !input.IsChecked))
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

        return fields;
    }

    /// <summary>Resolves the form's action against the page's address, as a browser does.</summary>
    private static Uri ActionOf(IHtmlFormElement form)
    {
        var page = new Uri(form.Owner!.Url);
        return form.GetAttribute("action") is { Length: > 0 } a ? new Uri(page, a) : page;
    }

    /// <summary>The request verification token a page's form carries.</summary>
    public static string AntiforgeryToken(this IHtmlFormElement form) =>
        form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")?.Value
        ?? throw new InvalidOperationException("The form carries no antiforgery token.");
}

/// <summary>A file a test puts in a form's file input.</summary>
public sealed record UploadFile(string FileName, string ContentType, byte[] Content);
