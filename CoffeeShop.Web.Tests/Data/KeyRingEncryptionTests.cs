using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Data;

/// <summary>
/// The data-protection keys in PostgreSQL are encrypted with the configured certificate, and a previous
/// certificate still opens the keys written under it. Each test has certificates of its own; the keys it
/// writes stay in the shared table, where apps with other certificates pass over them. The shop's fixture is
/// asked for only so the test database exists and is migrated before the first key is stored: on a new
/// machine these may be the first tests to run.
/// </summary>
[Collection(ShopTestGroup.Name)]
public class KeyRingEncryptionTests(ShopFixture fixture)
{
    private static readonly byte[] Purpose = "CoffeeShop.Tests.KeyRingRotation"u8.ToArray();

    [Fact]
    public async Task NewKey_WithCertificate_IsStoredEncryptedWithoutAPlainMasterKey()
    {
        var certificate = TestCertificates.Create("key-ring-a");
        await using var shop = Shop(certificate);

        var key = shop.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        // The app serves forms with it: antiforgery tokens come from the key ring.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await shop.CreateBrowserClient().GetAsync("/Cart")).StatusCode);

        var xml = await StoredKeyXmlAsync(key.KeyId);
        Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
        Assert.Contains("http://www.w3.org/2001/04/xmlenc#", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyWrittenUnderOldCertificate_OpensWithNewCertificateAndOldAsPrevious_AndNotWithoutIt()
    {
        var (oldCertificate, newCertificate) = (TestCertificates.Create("key-ring-old"), TestCertificates.Create("key-ring-new"));
        var plaintext = "an admin's session"u8.ToArray();
        Guid keyId;
        byte[] ciphertext;
        await using (var before = Shop(oldCertificate))
        {
            var key = before.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            keyId = key.KeyId;
            ciphertext = key.CreateEncryptor()!.Encrypt(new ArraySegment<byte>(plaintext), new ArraySegment<byte>(Purpose));
        }

        await using (var rotated = Shop(newCertificate, previous: oldCertificate))
        {
            var key = StoredKey(rotated, keyId);
            Assert.Equal(plaintext, key.CreateEncryptor()!.Decrypt(new ArraySegment<byte>(ciphertext), new ArraySegment<byte>(Purpose)));
        }

        await using var withoutPrevious = Shop(newCertificate);
        var unreadable = StoredKey(withoutPrevious, keyId);
        IAuthenticatedEncryptor? encryptor = null;
        var error = Record.Exception(() => encryptor = unreadable.CreateEncryptor());
        Assert.True(error is not null || encryptor is null, "the key opened without the certificate it was encrypted with");
    }

    /// <summary>A key of the shared table as the app reads it; its secret is decrypted when it is first used.</summary>
    private static IKey StoredKey(ShopFactory shop, Guid keyId) =>
        shop.Services.GetRequiredService<IKeyManager>().GetAllKeys().Single(k => k.KeyId == keyId);

    private static ShopFactory Shop(string certificate, string? previous = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = certificate,
            ["DataProtection:CertificatePassword"] = TestCertificates.Password,
        };
        if (previous is not null)
        {
            settings["DataProtection:PreviousCertificates:0:Path"] = previous;
            settings["DataProtection:PreviousCertificates:0:Password"] = TestCertificates.Password;
        }

        return new ShopFactory(settings: settings);
    }

    /// <summary>The key's XML exactly as the table holds it.</summary>
    private async Task<string> StoredKeyXmlAsync(Guid keyId)
    {
        await using var db = fixture.NewDbContext();
        var name = $"key-{keyId:D}";
        return await db.DataProtectionKeys.Where(k => k.FriendlyName == name).Select(k => k.Xml).SingleOrDefaultAsync()
            ?? throw new InvalidOperationException($"key {keyId} is not in data_protection_keys");
    }
}
