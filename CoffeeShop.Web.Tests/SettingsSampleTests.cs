using System.Reflection;
using System.Text.Json;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Tests;

/// <summary>appsettings.Development.sample.json is the list of settings a newcomer reads: it must match what the shop binds.</summary>
public class SettingsSampleTests
{
    private const string SampleFile = "appsettings.Development.sample.json";

    /// <summary>
    /// Sections the sample shows that are not options classes of the shop: the connection string, Serilog's own levels,
    /// and the framework's host filtering (its options are checked at start-up, Infrastructure/AllowedHosts.cs).
    /// </summary>
    private static readonly string[] NotOptionsSections = ["ConnectionStrings", "Serilog", "AllowedHosts"];

    [Fact]
    public void SampleSettings_ListEverySettingTheShopBinds_AndNoOther()
    {
        var bound = BoundSettingKeys();
        var sample = SampleKeys();

        var missingFromSample = bound.Except(sample, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknownInSample = sample.Where(k => !NotOptionsSections.Contains(k.Split(':')[0], StringComparer.Ordinal))
            .Except(bound, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        Assert.True(missingFromSample.Count == 0, $"Settings the shop reads but {SampleFile} does not list: {string.Join(", ", missingFromSample)}");
        Assert.True(unknownInSample.Count == 0, $"Settings {SampleFile} lists but no options class reads: {string.Join(", ", unknownInSample)}");
    }

    /// <summary>Section:Property for every settable property of every options class the app binds with BindConfiguration.</summary>
    private static HashSet<string> BoundSettingKeys()
    {
        IServiceCollection? registered = null;
        using (var factory = new ShopFactory(services: s => registered = s))
        {
            _ = factory.Services;
        }

        // BindConfiguration registers a change-token source per bound options class.
        var optionsTypes = registered!
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Assembly == typeof(Program).Assembly)
            .Distinct()
            .ToList();
        Assert.NotEmpty(optionsTypes);

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in optionsTypes)
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
            Assert.True(section is not null, $"{type.Name} is bound from configuration but has no public const Section naming its section.");
            AddKeys(type, section!, keys);
        }

        return keys;
    }

    /// <summary>A nested settings class of the shop's own (Email:Smtp) adds its properties under its key; anything else is a leaf.</summary>
    private static void AddKeys(Type type, string prefix, HashSet<string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var nested = property.PropertyType;
            if (nested.IsClass && nested.Assembly == typeof(Program).Assembly && !typeof(System.Collections.IEnumerable).IsAssignableFrom(nested))
            {
                AddKeys(nested, $"{prefix}:{property.Name}", keys);
            }
            else
            {
                keys.Add($"{prefix}:{property.Name}");
            }
        }
    }

    /// <summary>Every leaf key in the sample file, as Section:Key, without its "//" notes.</summary>
    private static HashSet<string> SampleKeys()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), SampleFile)));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Collect(sample.RootElement, null, keys);
        return keys;
    }

    private static void Collect(JsonElement element, string? path, HashSet<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            keys.Add(path!);
            return;
        }

        foreach (var property in element.EnumerateObject().Where(p => p.Name != "//"))
        {
            Collect(property.Value, path is null ? property.Name : $"{path}:{property.Name}", keys);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SampleFile)))
            {
                return dir.FullName;
            }
        }

        throw new FileNotFoundException($"{SampleFile} not found above {AppContext.BaseDirectory}.");
    }
}
