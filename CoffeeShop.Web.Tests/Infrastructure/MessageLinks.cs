using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Html.Dom;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>The links of a message smtp4dev received, as a reader finds them: in the HTML part and in the plain-text part.</summary>
public static class MessageLinks
{
    /// <summary>The href of the HTML part's one link whose text is <paramref name="linkText"/>.</summary>
    public static async Task<string> InHtmlAsync(ReceivedMessage message, string linkText)
    {
        var html = await Smtp4Dev.HtmlAsync(message);
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(request => request.Content(html));
        var link = Assert.Single(document.QuerySelectorAll("a").OfType<IHtmlAnchorElement>(), a => a.TextContent.Trim() == linkText);
        return link.GetAttribute("href")!;
    }

    /// <summary>The address after "<paramref name="label"/>: " in the plain-text part.</summary>
    public static async Task<string> InTextAsync(ReceivedMessage message, string label)
    {
        var text = await Smtp4Dev.PlainTextAsync(message);
        var match = Regex.Match(text, Regex.Escape(label) + @": (\S+)");
        Assert.True(match.Success, $"No \"{label}: …\" line in the plain text:\n{text}");
        return match.Groups[1].Value;
    }
}
