using Microsoft.AspNetCore.Mvc;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// 303 See Other: the Post-Redirect-Get answer that tells every client to follow with a GET,
/// so a refresh after a form post never posts again.
/// </summary>
public sealed class SeeOtherResult(string location) : IActionResult
{
    public string Location { get; } = location;

    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.HttpContext.Response.Headers.Location = Location;
        return Task.CompletedTask;
    }
}
