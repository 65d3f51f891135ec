using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class KeyRingTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Keys_are_stored_once_and_read_back_in_order(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var ring = new StoredKeyRing(new KeyRingRepository(store.Connections), Path.Combine(Path.GetTempPath(), $"no-keys-{Guid.NewGuid():N}"));

        ring.StoreElement(new XElement("key", new XAttribute("id", "1")), "key-1");
        ring.StoreElement(new XElement("key", new XAttribute("id", "2")), "key-2");
        ring.StoreElement(new XElement("key", new XAttribute("id", "1")), "key-1"); // a second node storing the same key

        Assert.Equal(["1", "2"], ring.GetAllElements().Select(k => (string)k.Attribute("id")!));
    }

    [Fact]
    public async Task Keys_an_earlier_version_kept_in_the_data_folder_are_taken_over_once()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Sqlite);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var folder = Directory.CreateTempSubdirectory("valuestreams-keys-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "key-0a.xml"), """<key id="0a"><creationDate>2026-01-01T00:00:00Z</creationDate></key>""");
            var keys = new KeyRingRepository(store.Connections);

            var first = new StoredKeyRing(keys, folder).GetAllElements();
            File.Delete(Path.Combine(folder, "key-0a.xml"));
            var later = new StoredKeyRing(keys, folder).GetAllElements();

            Assert.Equal("0a", (string)Assert.Single(first).Attribute("id")!);
            Assert.Equal("0a", (string)Assert.Single(later).Attribute("id")!);
            Assert.Single(keys.ReadAll());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
