using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages;

/// <summary>The page every error ends on: a plain explanation and a reference, never exception details.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public class ErrorModel : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public string? RequestId { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        // A form the framework could not read (a NUL in a field) comes here with its 400 but without its code,
        // because binding the code reads that same form.
        var answered = HttpContext.Response.StatusCode;
        Code = code ?? (answered is >= 400 and < 500 ? answered : StatusCodes.Status500InternalServerError);
        (Title, Explanation) = Code switch
        {
            StatusCodes.Status400BadRequest => ("Bad request", "The form could not be read. Go back, reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Not allowed", "You do not have access to this page."),
            StatusCodes.Status404NotFound => ("Page not found", "We could not find that page. The coffee may have sold out or the link may be wrong."),
            StatusCodes.Status429TooManyRequests => ("Slow down", "Too many requests in a short time. Wait a moment and try again."),
            _ => ("Something went wrong", "We could not finish that request. Nothing was charged twice; please try again in a moment."),
        };
        if (Code >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }

        // Keep the original status when re-executed; set it when someone opens /Error/404 directly.
        if (HttpContext.Response.StatusCode == StatusCodes.Status200OK)
        {
            HttpContext.Response.StatusCode = Code;
        }
    }
}
