using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>
/// On every admin page and every account-management page but enrolment: an admin without an authenticator is sent to enrol one first, when
/// <c>Admin:RequireTwoFactor</c> is on (the default outside Development). A stolen password alone
/// then opens no payment data and no refund button.
/// </summary>
public sealed class RequireTwoFactorFilter(UserManager<IdentityUser> users, IOptions<AdminOptions> options, IHostEnvironment environment) : IAsyncPageFilter
{
    public const string EnrolPath = "/Identity/Account/Manage/EnableAuthenticator";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var required = options.Value.RequireTwoFactor ?? !environment.IsDevelopment();
        if (required && context.HttpContext.User.Identity?.IsAuthenticated == true)
        {
            var user = await users.GetUserAsync(context.HttpContext.User);
            if (user is null || !await users.GetTwoFactorEnabledAsync(user))
            {
                context.Result = new RedirectResult(EnrolPath);
                return;
            }
        }

        await next();
    }
}
