using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CoffeeShop.Web.Infrastructure;

public static class RequestGuards
{
    /// <summary>
    /// A NUL character is never part of a valid query value, and PostgreSQL refuses it in text:
    /// answer 400 before any page could pass one to the database.
    /// </summary>
    public static IApplicationBuilder UseQueryStringGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Query.Any(pair => pair.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            await next(context);
        });

    /// <summary>
    /// A POST (or PUT, DELETE…) that names no handler of the page would otherwise render the page
    /// with nothing loaded: answer 404 instead.
    /// </summary>
    public sealed class UnknownHandlerFilter : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            var method = context.HttpContext.Request.Method;
            var showingAnError = context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
            if (context.HandlerMethod is null && !showingAnError && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
            {
                context.Result = new NotFoundResult();
                return Task.CompletedTask;
            }

            return next();
        }
    }
}
