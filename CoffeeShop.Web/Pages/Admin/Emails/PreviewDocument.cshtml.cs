using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Messaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Admin.Emails;

/// <summary>
/// /Admin/Emails/Preview/{kind}: one template's HTML from sample data, as the whole document, for the preview
/// page's sandboxed frame. Its own policy (<see cref="EmailPreviewDocumentAttribute"/>) lets the inline styles of
/// email HTML apply and nothing run.
/// </summary>
[EmailPreviewDocument]
public class PreviewDocumentModel(SampleLetters samples) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string kind)
    {
        if (!Enum.TryParse<MessageKind>(kind, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(kind, out _) || !samples.CanWrite)
        {
            return NotFound();
        }

        var email = await samples.RenderAsync(parsed);
        return Content(email.Html, "text/html; charset=utf-8");
    }
}
