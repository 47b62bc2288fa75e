using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CoffeeShop.Web.Data;

/// <summary>
/// The certificates <see cref="KeyRingProtectionOptions"/> names, opened from their PFX files, and every reason
/// they cannot be used. Without them the data-protection keys lie in the database as plain XML, and whoever
/// reads the database or a backup could mint an admin's sign-in cookie.
/// </summary>
internal sealed class KeyRingCertificates : IDisposable
{
    private const string CurrentPath = KeyRingProtectionOptions.Section + ":CertificatePath";
    private const string CurrentPassword = KeyRingProtectionOptions.Section + ":CertificatePassword";

    private KeyRingCertificates(X509Certificate2? current, List<X509Certificate2> previous, List<string> problems) =>
        (Current, Previous, Problems) = (current, previous, problems);

    /// <summary>Encrypts new keys (and decrypts them); null when none is configured or it cannot be opened.</summary>
    public X509Certificate2? Current { get; }

    /// <summary>Certificates that only decrypt keys written before the current one took over.</summary>
    public IReadOnlyList<X509Certificate2> Previous { get; }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>Opens every configured certificate; outside Development the current one is required.</summary>
    public static KeyRingCertificates Load(KeyRingProtectionOptions options, bool development)
    {
        var problems = new List<string>();
        X509Certificate2? current = null;
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            if (!development)
            {
                problems.Add($"The setting {CurrentPath} is required outside Development: the PFX file of the certificate that encrypts the "
                    + "data-protection keys kept in the database (README, \"Data-protection certificate\"). Set the environment variables "
                    + $"{Env(CurrentPath)} and {Env(CurrentPassword)}.");
            }
            else if (options.PreviousCertificates.Count > 0)
            {
                problems.Add($"The setting {KeyRingProtectionOptions.Section}:PreviousCertificates is set without {CurrentPath}: "
                    + $"new keys need a current certificate. Set the environment variable {Env(CurrentPath)}.");
            }
        }
        else
        {
            current = Open(options.CertificatePath, options.CertificatePassword, CurrentPath, CurrentPassword, problems);
        }

        var previous = new List<X509Certificate2>();
        for (var i = 0; i < options.PreviousCertificates.Count; i++)
        {
            var entry = options.PreviousCertificates[i];
            var (pathKey, passwordKey) = ($"{KeyRingProtectionOptions.Section}:PreviousCertificates:{i}:Path", $"{KeyRingProtectionOptions.Section}:PreviousCertificates:{i}:Password");
            if (string.IsNullOrWhiteSpace(entry.Path))
            {
                problems.Add($"The setting {pathKey} is missing: each previous certificate needs the path of its PFX file. Set the environment variable {Env(pathKey)}.");
            }
            else if (Open(entry.Path, entry.Password, pathKey, passwordKey, problems) is { } certificate)
            {
                previous.Add(certificate);
            }
        }

        return new KeyRingCertificates(current, previous, problems);
    }

    public void Dispose()
    {
        Current?.Dispose();
        foreach (var certificate in Previous)
        {
            certificate.Dispose();
        }
    }

    /// <summary>The certificate in the file, or null with a problem that names the settings, never a stack trace.</summary>
    private static X509Certificate2? Open(string path, string? password, string pathKey, string passwordKey, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"The setting {pathKey} names the file '{path}', which does not exist. Set the environment variable {Env(pathKey)} to the path of the PFX file.");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"The file '{path}' named by {pathKey} could not be opened as a PFX (PKCS#12) file with the password in {passwordKey}: "
                + $"the password is wrong, the file is not a PFX or it cannot be read. Set the environment variables {Env(pathKey)} and {Env(passwordKey)}.");
            return null;
        }

        // The key ring is encrypted to the certificate's RSA key (XML encryption); decrypting needs the private key.
        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            problems.Add($"The certificate in '{path}' ({pathKey}) has no RSA private key: the data-protection keys are encrypted to an RSA "
                + $"certificate and decrypted with its private key (README, \"Data-protection certificate\"). Set {Env(pathKey)} to a PFX that holds both.");
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    private static string Env(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
