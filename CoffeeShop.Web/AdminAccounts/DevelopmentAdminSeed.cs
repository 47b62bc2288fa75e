using CoffeeShop.Web.Data;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>
/// Development start-up: makes <c>Admin:DevEmail</c> an admin with <c>Admin:DevPassword</c> (when both are
/// set), so the credentials scripts/run prints always work. Runs after the Development migrations, and only on a
/// database on this machine: a production connection string exported in the shell must never get a known password.
/// </summary>
internal sealed class DevelopmentAdminSeed(IServiceProvider services, IOptions<AdminOptions> options, IOptions<DatabaseOptions> database,
    ILogger<DevelopmentAdminSeed> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (email, password) = (options.Value.DevEmail, options.Value.DevPassword);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return;
        }

        if (!DatabaseOptions.IsOnThisMachine(database.Value.ConnectionString))
        {
            logger.LogWarning("The Development admin was not set up: {Setting} names a database that is not on this machine ({Hosts})",
                DatabaseOptions.ConnectionStringKey, string.Join(", ", DatabaseOptions.Hosts(database.Value.ConnectionString)));
            return;
        }

        var result = await CreateAdminCommand.CreateAdminAsync(services, email, password, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"The Development admin (settings Admin:DevEmail and Admin:DevPassword, environment variables Admin__DevEmail and Admin__DevPassword) could not be set up: {string.Join(" ", result.Errors)}");
        }

        logger.LogInformation("Development admin ready; sign in at {SignInPath}", AdminRegistration.SignInPath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
