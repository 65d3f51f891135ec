using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace ValueStreams.Host.Features.Security;

/// <summary>
/// Settings bound from <c>ValueStreams:DataProtection</c>: what encrypts the sign-in key ring kept in the store.
/// A certificate (a PKCS#12 file) is used when named; otherwise a 256-bit key, given in <see cref="Key"/> or kept in
/// <see cref="KeyFile"/>, which is made on first start (readable by the service only) when it does not exist.
/// Every node of a cluster needs the same certificate or key.
/// </summary>
public sealed class KeyRingProtectionSettings
{
    public const string Section = "ValueStreams:DataProtection";

    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Base64 of 32 random bytes (<c>openssl rand -base64 32</c>).</summary>
    public string? Key { get; set; }

    /// <summary>Where the key is kept when <see cref="Key"/> is not set; default <c>keys/key-ring.key</c> in the data folder.</summary>
    public string? KeyFile { get; set; }
}

public static class KeyRingProtection
{
    /// <summary>Makes every new key of the ring be stored encrypted; returns how (for the start-up log).</summary>
    public static string ProtectKeys(this IDataProtectionBuilder builder, KeyRingProtectionSettings settings, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
            if (!certificate.HasPrivateKey)
                throw new InvalidOperationException($"{KeyRingProtectionSettings.Section}:CertificatePath: {settings.CertificatePath} holds no private key.");
            builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
            return $"certificate {certificate.Thumbprint}";
        }

        var (key, source) = !string.IsNullOrWhiteSpace(settings.Key)
            ? (Decode(settings.Key, $"{KeyRingProtectionSettings.Section}:Key"), "the configured key")
            : ReadOrCreate(settings.KeyFile ?? Path.Combine(dataDirectory, "keys", "key-ring.key"));
        builder.Services.AddSingleton(new KeyRingKey(key));
        builder.Services.Configure<KeyManagementOptions>(options => options.XmlEncryptor = new KeyRingEncryptor(new KeyRingKey(key)));
        return source;
    }

    private static (byte[] Key, string Source) ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            PrivateFiles.Restrict(path);
            return (Decode(File.ReadAllText(path).Trim(), path), $"the key in {path}");
        }
        PrivateFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(KeyRingKey.Length);
        PrivateFiles.WriteNew(path, Convert.ToBase64String(key));
        return (key, $"a new key in {path}");
    }

    private static byte[] Decode(string base64, string where)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            if (key.Length == KeyRingKey.Length)
                return key;
        }
        catch (FormatException)
        {
        }
        throw new InvalidOperationException($"{where}: the key must be {KeyRingKey.Length} bytes in base64 (openssl rand -base64 {KeyRingKey.Length}).");
    }
}

/// <summary>The 256-bit key that encrypts the key ring's keys.</summary>
public sealed class KeyRingKey(byte[] key)
{
    public const int Length = 32;

    public byte[] Value { get; } = key;

    /// <summary>Names the key without revealing it, so a node with the wrong key says so.</summary>
    public string Id { get; } = Convert.ToHexString(SHA256.HashData(key))[..16].ToLowerInvariant();
}

/// <summary>Encrypts a key of the ring with AES-256-GCM under the <see cref="KeyRingKey"/>.</summary>
public sealed class KeyRingEncryptor(KeyRingKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key.Value, tag.Length))
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        CryptographicOperations.ZeroMemory(plaintext);

        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the ValueStreams key-ring key (ValueStreams:DataProtection). "),
            new XAttribute("keyId", key.Id),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }
}

/// <summary>Reads what <see cref="KeyRingEncryptor"/> wrote; made by the data-protection system, which hands it the services.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetService<KeyRingKey>()
            ?? throw new InvalidOperationException("This key was encrypted with a key-ring key, but none is configured (ValueStreams:DataProtection).");
        if ((string?)encryptedElement.Attribute("keyId") is { } keyId && keyId != key.Id)
            throw new CryptographicException($"This key was encrypted with key-ring key {keyId}, but this node has {key.Id}: give every node the same ValueStreams:DataProtection key.");

        var nonce = Convert.FromBase64String((string)encryptedElement.Element("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Element("tag")!);
        var ciphertext = Convert.FromBase64String((string)encryptedElement.Element("value")!);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key.Value, tag.Length))
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
