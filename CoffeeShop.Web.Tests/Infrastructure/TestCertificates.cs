using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Self-signed RSA certificates in PFX files, as the shop takes them for its data-protection key ring
/// (<c>DataProtection:CertificatePath</c>). Every app the tests start outside Development needs one.
/// </summary>
public static class TestCertificates
{
    public const string Password = "test-key-ring-password";

    /// <summary>
    /// The certificate every test app uses, kept in the temp folder across runs: keys a run writes to the test
    /// database stay readable by the next run, so the key ring does not gain a new key per run.
    /// </summary>
    public static string KeyRing { get; } = Shared();

    /// <summary>A new certificate in a new PFX file, deleted when the test run ends.</summary>
    public static string Create(string name, string password = Password)
    {
        var path = Path.Combine(Path.GetTempPath(), $"coffeeshop-test-{name}-{Guid.NewGuid():N}.pfx");
        Write(path, name, password);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    private static string Shared()
    {
        var path = Path.Combine(Path.GetTempPath(), "coffeeshop-test-key-ring.pfx");
        if (!File.Exists(path))
        {
            // Written aside and moved into place: test processes starting at once never read half a file.
            var fresh = path + "." + Guid.NewGuid().ToString("N");
            Write(fresh, "CoffeeShop tests key ring", Password);
            try
            {
                File.Move(fresh, path);
            }
            catch (IOException)
            {
                File.Delete(fresh);
            }
        }

        return path;
    }

    private static void Write(string path, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
    }
}
