using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Identity;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Security;

/// <summary>What someone who can read the store or the data folder, but is not the service, can learn from them.</summary>
[Collection(nameof(HostCollection))]
public sealed class PrivateDataTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_key_ring_is_stored_encrypted_and_still_accepts_its_tokens_after_a_restart(StorageProvider provider)
    {
        var first = await ApiHost.StartAsync(provider);
        var agent = await first.ClientForAsync("agent");

        AssertEncrypted(first, "ValueStreams.Host.Features.Security.KeyRingDecryptor");

        await using var second = await first.RestartAsync();
        var sameToken = second.AnonymousClient();
        sameToken.DefaultRequestHeaders.Authorization = agent.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await sameToken.GetAsync("/api/catalogue")).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_folder_and_the_embedded_stores_are_readable_by_the_service_only()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        await host.ClientForAsync("agent");

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(host.DataDirectory));
        foreach (var file in new[] { "valuestreams.db", "hangfire.db", Path.Combine("keys", "key-ring.key") })
            Assert.True(OwnerOnlyFile == File.GetUnixFileMode(Path.Combine(host.DataDirectory, file)),
                $"{file} is {File.GetUnixFileMode(Path.Combine(host.DataDirectory, file))}");
    }

    [Fact]
    public async Task Nodes_with_their_own_data_folders_share_sign_ins_through_a_configured_key()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var first = await ApiHost.StartAsync(StorageProvider.PostgreSql, new Dictionary<string, string?> { ["ValueStreams:DataProtection:Key"] = key });
        var agent = await first.ClientForAsync("agent");

        first.Settings["ValueStreams:Storage:DataDirectory"] = Directory.CreateTempSubdirectory("valuestreams-node-").FullName;
        await using var second = await first.RestartAsync();
        var sameToken = second.AnonymousClient();
        sameToken.DefaultRequestHeaders.Authorization = agent.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await sameToken.GetAsync("/api/catalogue")).StatusCode);
        Assert.False(File.Exists(Path.Combine(second.DataDirectory, "keys", "key-ring.key")), "a key file was made though a key is configured");
    }

    [Fact]
    public async Task A_configured_certificate_encrypts_the_key_ring()
    {
        var folder = Directory.CreateTempSubdirectory("valuestreams-certificate-").FullName;
        var pfx = Path.Combine(folder, "key-ring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=ValueStreams key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "secret"));
        }

        var first = await ApiHost.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["ValueStreams:DataProtection:CertificatePath"] = pfx,
            ["ValueStreams:DataProtection:CertificatePassword"] = "secret",
        });
        var agent = await first.ClientForAsync("agent");
        AssertEncrypted(first, "EncryptedXmlDecryptor");

        await using var second = await first.RestartAsync();
        var sameToken = second.AnonymousClient();
        sameToken.DefaultRequestHeaders.Authorization = agent.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await sameToken.GetAsync("/api/catalogue")).StatusCode);
        Directory.Delete(folder, recursive: true);
    }

    private static void AssertEncrypted(ApiHost host, string decryptor)
    {
        var keys = host.Services.GetRequiredService<KeyRingRepository>().ReadAll().Where(xml => xml.StartsWith("<key", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml);
            Assert.Contains(decryptor, xml);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.DoesNotContain("unencrypted", xml);
        });
    }
}
