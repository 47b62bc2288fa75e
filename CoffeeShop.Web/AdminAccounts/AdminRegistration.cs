using System.Security.Claims;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

public static class AdminRegistration
{
    public const string Role = "Admin";
    public const string Policy = "Admin";
    public const string CookieName = "coffeeshop_admin";
    public const string SignInPath = "/Identity/Account/Login";
    public const int MinimumPasswordLength = 12;

    /// <summary>Identity's claim of how a session signed in: "mfa" with a second factor, "pwd" with a password alone.</summary>
    public const string AuthenticationMethod = "amr";

    /// <summary>Where an admin lands: at /Admin, and after signing in without a page to return to.</summary>
    public const string HomePage = "/Admin/Orders/Index";
    public const string HomePath = "/Admin";

    /// <summary>
    /// ASP.NET Core Identity on the shop's database with its default UI (sign-in, account, two-factor),
    /// an Admin role that every page under Pages/Admin requires, lockout settings from the <c>Admin</c>
    /// section, and in Development the configured admin seeded at start-up.
    /// </summary>
    public static IServiceCollection AddAdminIdentity(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // AddIdentity rather than AddDefaultIdentity: the latter caps login-key columns at 128 characters,
        // a schema change the Identity tables in our migrations do not have.
        services.AddIdentity<IdentityUser, IdentityRole>(options =>
            {
                // Admins are created by create-admin, not by signing up: there is no address to confirm.
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                // Length is what resists guessing; composition rules mostly produce "Password1!".
                options.Password.RequiredLength = MinimumPasswordLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultUI()
            .AddDefaultTokenProviders()
            .AddSignInManager<AuditedSignInManager>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AdminOptions>>((identity, admin) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = admin.Value.MaxFailedSignIns;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(admin.Value.LockoutMinutes);
        });

        ConfigureCookies(services, environment);
        // The security stamp is checked on every request: an admin disabled or removed on the Team page (or
        // whose password create-admin reset) is signed out at their next click, not half an hour later.
        // Only staff have accounts, so the cost is one user lookup per staff request.
        services.Configure<SecurityStampValidatorOptions>(options =>
        {
            options.ValidationInterval = TimeSpan.Zero;
            // Each check rebuilds the principal from the user, which would drop how the session signed in ("amr":
            // "mfa" after a second factor, "pwd" after a password alone); the authenticator page relies on it.
            options.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal?.FindFirst(AuthenticationMethod) is { } method && context.NewPrincipal?.Identity is ClaimsIdentity identity
                    && !identity.HasClaim(c => c.Type == AuthenticationMethod))
                {
                    identity.AddClaim(new Claim(AuthenticationMethod, method.Value));
                }

                return Task.CompletedTask;
            };
        });

        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.RequireRole(Role));
        // By folder, so a page added under Pages/Admin later is protected without remembering an attribute.
        services.AddScoped<RequireTwoFactorFilter>();
        services.AddScoped<AdminTeam>();
        services.AddScoped<AuthenticatorEnrolment>();
        services.AddScoped<AdminPasswordReset>();
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Admin", Policy);
            options.Conventions.AddFolderApplicationModelConvention("/Admin", model =>
            {
                model.Filters.Add(new ServiceFilterAttribute(typeof(RequireTwoFactorFilter)));
                // Every admin response, CSV exports included, stays out of caches: it holds customers' data.
                model.Filters.Add(new NoStoreAttribute());
                model.EndpointMetadata.Add(new NoIndexAttribute());
            });
            // The admin's own account pages (two-factor keys, recovery codes) likewise.
            options.Conventions.AddAreaFolderApplicationModelConvention("Identity", "/Account", model =>
            {
                model.Filters.Add(new NoStoreAttribute());
                model.EndpointMetadata.Add(new NoIndexAttribute());
            });
            // Managing the account (password, two-factor, personal data) also needs two factors, except enrolling one.
            options.Conventions.AddAreaFolderApplicationModelConvention("Identity", "/Account/Manage", model =>
            {
                if (!model.HandlerType.IsDefined(typeof(AllowsUnenrolledAdminAttribute), inherit: false))
                {
                    model.Filters.Add(new ServiceFilterAttribute(typeof(RequireTwoFactorFilter)));
                }
            });
            // The orders desk is the admins' home: /Admin opens it; links keep naming /Admin/Orders.
            options.Conventions.AddPageRouteModelConvention(HomePage, model => model.Selectors.Add(new SelectorModel
            {
                AttributeRouteModel = new AttributeRouteModel { Template = "Admin", SuppressLinkGeneration = true },
            }));
        });

        if (environment.IsDevelopment())
        {
            services.AddHostedService<DevelopmentAdminSeed>();
        }

        return services;
    }

    private static void ConfigureCookies(IServiceCollection services, IHostEnvironment environment)
    {
        var secure = ShopCookies.SecurePolicy(environment);
        // Named by the shop; outside Development with the __Host- prefix (ShopCookies.Named), so Path=/ and no Domain.
        (string Scheme, string Name)[] identityCookies = [(IdentityConstants.ApplicationScheme, CookieName),
            (IdentityConstants.ExternalScheme, IdentityConstants.ExternalScheme),
            (IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorUserIdScheme),
            (IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.TwoFactorRememberMeScheme)];
        foreach (var (scheme, name) in identityCookies)
        {
            services.Configure<CookieAuthenticationOptions>(scheme, options =>
            {
                options.Cookie.Name = ShopCookies.Named(name, environment);
                options.Cookie.Path = "/";
                options.Cookie.HttpOnly = true;
                options.Cookie.SecurePolicy = secure;
            });
        }

        services.ConfigureApplicationCookie(options =>
        {
            // Lax, not Strict: a link to a payment page from an e-mail or the Stripe Dashboard keeps the session.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(1);
            options.SlidingExpiration = true;
            options.LoginPath = SignInPath;
            // A signed-in user without the role gets a real 403 (rendered by the shop's error page),
            // not a redirect to a page that answers 200.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
    }
}
