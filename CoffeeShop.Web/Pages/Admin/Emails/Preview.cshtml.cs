using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Messaging;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Admin.Emails;

/// <summary>
/// /Admin/Emails/Preview: every template written from sample data, its subject, its HTML as the customer sees it
/// (each in a sandboxed frame from <see cref="PreviewDocumentModel"/>, whose inline styles this page's policy would block)
/// and its plain-text twin.
/// </summary>
[FramesEmailPreviews]
public class PreviewModel(SampleLetters samples) : PageModel
{
    public IReadOnlyList<(MessageKind Kind, ComposedEmail Email)> Emails { get; private set; } = [];

    public bool CanWrite => samples.CanWrite;

    public async Task OnGetAsync()
    {
        if (!samples.CanWrite)
        {
            return;
        }

        var emails = new List<(MessageKind, ComposedEmail)>();
        foreach (var kind in Enum.GetValues<MessageKind>())
        {
            emails.Add((kind, await samples.RenderAsync(kind)));
        }

        Emails = emails;
    }
}
