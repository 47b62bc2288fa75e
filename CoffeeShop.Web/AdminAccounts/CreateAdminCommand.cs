using System.Data.Common;
using System.Globalization;
using System.Net.Mail;
using System.Text;
using CoffeeShop.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>
/// <c>create-admin --email someone@example.com</c>: the only way to get an admin (there is no sign-up).
/// A new address becomes an admin; an existing user gets the Admin role, the given password and any
/// lockout cleared, so the same command recovers a forgotten password. Running it twice leaves one
/// user. The password comes from <c>COFFEESHOP_ADMIN_PASSWORD</c> or one line of standard input, never
/// from the command line, which other users of the machine can read in the process list. An admin without
/// two-factor sign-in also gets a new one-time link to set up an authenticator, printed here.
/// </summary>
public static class CreateAdminCommand
{
    public const string Name = "create-admin";
    public const string PasswordVariable = "COFFEESHOP_ADMIN_PASSWORD";
    public const int Refused = 1;
    public const int UsageError = 2;

    private const string Usage = $"Usage: dotnet run --project CoffeeShop.Web -- {Name} --email someone@example.com "
        + $"(password from the environment variable {PasswordVariable}, or one line of standard input).";

    public static Task<int> RunAsync(IServiceProvider services, string[] args) =>
        RunAsync(services, args, ReadPassword, Console.Out, Console.Error);

    /// <summary>The command line around <see cref="CreateAdminAsync"/>: arguments, password source, messages, exit code.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, Func<string?> readPassword, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(readPassword);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (EmailArgument(args) is not { } email)
        {
            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        if (readPassword() is not { Length: > 0 } password)
        {
            await error.WriteLineAsync($"No password given. Set the environment variable {PasswordVariable} or pipe the password on standard input.");
            return UsageError;
        }

        CreateAdminResult result;
        EnrolmentLink? link = null;
        try
        {
            result = await CreateAdminAsync(services, email, password);
            if (result.Succeeded)
            {
                link = await EnrolmentLinkAsync(services, email);
            }
        }
        catch (Exception ex) when (ex is DbException or OptionsValidationException or InvalidOperationException)
        {
            await error.WriteLineAsync($"Cannot use the database: {ex.Message}");
            return Refused;
        }

        if (!result.Succeeded)
        {
            foreach (var message in result.Errors)
            {
                await error.WriteLineAsync(message);
            }

            return Refused;
        }

        await output.WriteLineAsync(result.Outcome == CreateAdminOutcome.Created
            ? $"Created the admin {email.Trim()}."
            : $"{email.Trim()} is an admin; its password is set and any lockout cleared.");
        if (link is not null)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Before any admin page opens, the admin signs in and sets up two-factor sign-in at this one-time link (until {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC; give it only to them):"));
            await output.WriteLineAsync(link.Url.IsAbsoluteUri
                ? link.Url.AbsoluteUri
                : $"{link.Url.OriginalString} (after the shop's address; set Email:ShopUrl to have it printed whole)");
        }
        else
        {
            await output.WriteLineAsync("Two-factor sign-in is already set up for this admin and stays as it is.");
        }

        return 0;
    }

    /// <summary>
    /// A new authenticator enrolment link for an admin without two-factor sign-in (replacing any earlier link);
    /// null when two-factor is already on. Not part of <see cref="CreateAdminAsync"/>: the Development seed
    /// calls that on every start and must not renew the key each time.
    /// </summary>
    public static async Task<EnrolmentLink?> EnrolmentLinkAsync(IServiceProvider services, string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync(email.Trim()) ?? throw new InvalidOperationException($"No user {email.Trim()} to enrol.");
        return await users.GetTwoFactorEnabledAsync(user)
            ? null
            : await scope.ServiceProvider.GetRequiredService<AuthenticatorEnrolment>().IssueAsync(user);
    }

    /// <summary>Creates or updates the admin in one transaction; refuses without changing anything.</summary>
    public static async Task<CreateAdminResult> CreateAdminAsync(IServiceProvider services, string email, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        email = email.Trim();
        if (!IsEmailAddress(email))
        {
            return CreateAdminResult.Refused($"'{email}' is not an email address.");
        }

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        // Identity's own password rules, checked before the database is touched.
        var passwordErrors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            passwordErrors.AddRange((await validator.ValidateAsync(users, user, password)).Errors.Select(e => e.Description));
        }

        if (passwordErrors.Count > 0)
        {
            return CreateAdminResult.Refused(passwordErrors);
        }

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await SchemaProblemAsync(db, scope.ServiceProvider.GetRequiredService<IHostEnvironment>(), cancellationToken) is { } problem)
        {
            return CreateAdminResult.Refused(problem);
        }

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var existing = await users.FindByEmailAsync(email);
        user = existing ?? user;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await roles.RoleExistsAsync(AdminRegistration.Role)
            ? IdentityResult.Success
            : await roles.CreateAsync(new IdentityRole(AdminRegistration.Role));
        if (result.Succeeded)
        {
            result = existing is null ? await users.CreateAsync(user, password) : await SetPasswordAsync(users, user, password);
        }

        if (result.Succeeded && !await users.IsInRoleAsync(user, AdminRegistration.Role))
        {
            result = await users.AddToRoleAsync(user, AdminRegistration.Role);
        }

        if (result.Succeeded && await users.IsLockedOutAsync(user))
        {
            result = await users.SetLockoutEndDateAsync(user, null);
        }

        if (!result.Succeeded)
        {
            return CreateAdminResult.Refused(result.Errors.Select(e => e.Description));
        }

        await users.ResetAccessFailedCountAsync(user);
        await transaction.CommitAsync(cancellationToken);
        return new(existing is null ? CreateAdminOutcome.Created : CreateAdminOutcome.Updated, []);
    }

    /// <summary>Outside Development the schema is never changed here: production applies migrations deliberately (README).</summary>
    private static async Task<string?> SchemaProblemAsync(AppDbContext db, IHostEnvironment environment, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return null;
        }

        if (!environment.IsDevelopment())
        {
            return $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). "
                + "Apply them first (README, \"Database and migrations\"); this command changes no schema outside Development.";
        }

        await db.Database.MigrateAsync(cancellationToken);
        return null;
    }

    /// <summary>Sets the password only when it differs, so a second run does not sign the admin out everywhere.</summary>
    private static async Task<IdentityResult> SetPasswordAsync(UserManager<IdentityUser> users, IdentityUser user, string password) =>
        await users.CheckPasswordAsync(user, password)
            ? IdentityResult.Success
            : await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);

    private static bool IsEmailAddress(string email) =>
        MailAddress.TryCreate(email, out var address) && address.Address == email && address.Host.Contains('.', StringComparison.Ordinal);

    private static string? EmailArgument(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--email" && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--email=", StringComparison.Ordinal))
            {
                return args[i]["--email=".Length..];
            }
        }

        return null;
    }

    private static string? ReadPassword()
    {
        if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        // Typed at a terminal: read without echo so the password does not stay on screen.
        Console.Error.Write($"Password (at least {AdminRegistration.MinimumPasswordLength} characters, not shown): ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
