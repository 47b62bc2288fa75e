namespace CoffeeShop.Web.Data;

/// <summary>
/// The <c>DataProtection</c> settings section: the certificate (a PFX file) that encrypts the data-protection
/// key ring stored in PostgreSQL, and the certificates it replaced, which still decrypt older keys.
/// </summary>
public sealed class KeyRingProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>Encrypts every new key and decrypts them; required outside Development.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificates used before the current one, kept until the keys they encrypted have expired.</summary>
    public List<PreviousKeyRingCertificate> PreviousCertificates { get; set; } = [];
}

/// <summary>One entry of <c>DataProtection:PreviousCertificates</c>.</summary>
public sealed class PreviousKeyRingCertificate
{
    public string? Path { get; set; }

    public string? Password { get; set; }
}
