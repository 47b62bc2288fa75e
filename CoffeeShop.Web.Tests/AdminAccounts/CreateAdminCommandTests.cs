using System.Net;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CoffeeShop.Web.Tests.AdminAccounts;

public class CreateAdminCommandTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Email = "owner@coffeeshop.test";
    private const string NewPassword = "a-long-and-fresh-passphrase";

    private sealed record Run(int ExitCode, string Output, string Error);

    private async Task<Run> RunAsync(string? password, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CreateAdminCommand.RunAsync(Factory.Services, [CreateAdminCommand.Name, .. args], () => password, output, error);
        return new(exitCode, output.ToString(), error.ToString());
    }

    private async Task<List<(string? Email, bool IsAdmin)>> UsersAsync()
    {
        await using var db = Db();
        var admins = db.UserRoles.Join(db.Roles.Where(r => r.Name == AdminRegistration.Role), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId);
        var users = await db.Users.OrderBy(u => u.Email).Select(u => new { u.Email, IsAdmin = admins.Contains(u.Id) }).ToListAsync();
        return users.Select(u => (u.Email, u.IsAdmin)).ToList();
    }

    private async Task<HttpStatusCode> SignInAsync(string password) =>
        (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), Email, password)).StatusCode;

    [Fact]
    public async Task Run_NewEmail_CreatesAnAdminWhoCanSignIn()
    {
        var run = await RunAsync(NewPassword, "--email", Email);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Trim().Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal($"Created the admin {Email}.", lines[0]);
        Assert.Contains("two-factor", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("https://localhost/Identity/Account/Manage/EnableAuthenticator?token=", lines[2], StringComparison.Ordinal);
        Assert.Equal([(Email, true)], await UsersAsync());
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(NewPassword));
    }

    [Fact]
    public async Task CreateAdmin_Twice_LeavesOneAdmin()
    {
        var first = await CreateAdminCommand.CreateAdminAsync(Factory.Services, Email, NewPassword);
        var second = await CreateAdminCommand.CreateAdminAsync(Factory.Services, " " + Email + " ", NewPassword);

        Assert.Equal(CreateAdminOutcome.Created, first.Outcome);
        Assert.Equal(CreateAdminOutcome.Updated, second.Outcome);
        Assert.Equal([(Email, true)], await UsersAsync());
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(NewPassword));
    }

    [Fact]
    public async Task Run_ExistingLockedOutUser_BecomesAdminWithTheNewPasswordAndIsUnlocked()
    {
        var user = await AdminSession.CreateUserAsync(Factory, Email, admin: false);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        var run = await RunAsync(NewPassword, $"--email={Email}");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("password is set", run.Output, StringComparison.Ordinal);
        Assert.Equal([(Email, true)], await UsersAsync());
        Assert.Equal(HttpStatusCode.BadRequest, await SignInAsync(AdminSession.Password));
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(NewPassword));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("owner@localhost")]
    [InlineData("Owner <owner@coffeeshop.test>")]
    [InlineData("owner@@coffeeshop.test")]
    [InlineData("")]
    public async Task Run_BadEmail_FailsWithAMessageAndCreatesNobody(string email)
    {
        var run = await RunAsync(NewPassword, "--email", email);

        Assert.Equal(CreateAdminCommand.Refused, run.ExitCode);
        Assert.Contains("is not an email address", run.Error, StringComparison.Ordinal);
        Assert.Empty(await UsersAsync());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("elevenchars")]
    public async Task Run_ShortPassword_FailsWithAMessageAndCreatesNobody(string password)
    {
        var run = await RunAsync(password, "--email", Email);

        Assert.Equal(CreateAdminCommand.Refused, run.ExitCode);
        Assert.Contains("at least 12 characters", run.Error, StringComparison.Ordinal);
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task Run_ShortPasswordForAnExistingAdmin_KeepsTheOldPassword()
    {
        await AdminSession.CreateUserAsync(Factory, Email, admin: true);

        var run = await RunAsync("too-short", "--email", Email);

        Assert.Equal(CreateAdminCommand.Refused, run.ExitCode);
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(AdminSession.Password));
    }

    [Fact]
    public async Task UserManager_ShortPassword_IsRefused()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        var result = await users.CreateAsync(new IdentityUser { UserName = Email, Email = Email }, "eleven-char");

        Assert.Equal(["PasswordTooShort"], result.Errors.Select(e => e.Code));
        Assert.Empty(await UsersAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Run_WithoutPassword_ExplainsWhereItComesFrom(string? password)
    {
        var run = await RunAsync(password, "--email", Email);

        Assert.Equal(CreateAdminCommand.UsageError, run.ExitCode);
        Assert.Contains(CreateAdminCommand.PasswordVariable, run.Error, StringComparison.Ordinal);
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task Run_WithoutEmail_PrintsUsage()
    {
        var run = await RunAsync(NewPassword);

        Assert.Equal(CreateAdminCommand.UsageError, run.ExitCode);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnAnUnmigratedDatabaseOutsideDevelopment_RefusesAndLeavesTheSchemaAlone()
    {
        // Named after the test database, so test runs on separate databases do not share it.
        var name = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString).Database + "_unmigrated";
        var empty = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = name }.ConnectionString;
        await RecreateDatabaseAsync(name);
        try
        {
            await using var factory = new ShopFactory(Stripe, new Dictionary<string, string?> { ["ConnectionStrings:CoffeeShop"] = empty });
            using var error = new StringWriter();

            var exitCode = await CreateAdminCommand.RunAsync(factory.Services, [CreateAdminCommand.Name, "--email", Email], () => NewPassword, TextWriter.Null, error);

            Assert.Equal(CreateAdminCommand.Refused, exitCode);
            Assert.Contains("migration", error.ToString(), StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(empty);
            await connection.OpenAsync();
            await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
            Assert.Equal(0L, await tables.ExecuteScalarAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await DropDatabaseAsync(name);
        }
    }

    private static async Task RecreateDatabaseAsync(string name)
    {
        await DropDatabaseAsync(name);
        await ServerCommandAsync($"CREATE DATABASE \"{name}\"");
    }

    private static Task DropDatabaseAsync(string name) => ServerCommandAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static async Task ServerCommandAsync(string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        // Database names come from this test, never from input.
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
