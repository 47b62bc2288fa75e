using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Settings checked by a function that lists every problem, each naming its key and where to set it,
/// so start-up reports them all at once.
/// </summary>
public static class OptionsProblems
{
    public static OptionsBuilder<TOptions> ValidateProblems<TOptions>(this OptionsBuilder<TOptions> builder,
        Func<TOptions, IEnumerable<string>> problems) where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(builder.Name, problems));
        return builder;
    }

    /// <summary>As above, with a service the check needs (the host environment, say).</summary>
    public static OptionsBuilder<TOptions> ValidateProblems<TOptions, TDependency>(this OptionsBuilder<TOptions> builder,
        Func<TOptions, TDependency, IEnumerable<string>> problems) where TOptions : class where TDependency : notnull
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(sp =>
            new ProblemsValidator<TOptions>(builder.Name, options => problems(options, sp.GetRequiredService<TDependency>())));
        return builder;
    }

    private sealed class ProblemsValidator<TOptions>(string? optionsName, Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (optionsName is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
