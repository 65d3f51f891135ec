using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_empty_store_gets_every_shipped_migration_and_a_second_run_applies_nothing(StorageProvider provider)
    {
        await using var store = await TestStore.CreateEmptyAsync(provider);
        var migrator = new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(DatabaseMigrator.ShippedScripts(provider), first);
        Assert.NotEmpty(first);
        Assert.Empty(second);
        await using var connection = await store.Connections.OpenAsync();
        Assert.Equal(first.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schemaversions"));
    }

    [Fact]
    public void Both_providers_ship_the_same_migrations_by_number_and_name()
    {
        static IEnumerable<string> Names(StorageProvider provider) =>
            DatabaseMigrator.ShippedScripts(provider).Select(name => name[(name.IndexOf($".{provider}.", StringComparison.Ordinal) + provider.ToString().Length + 2)..]);

        Assert.Equal(Names(StorageProvider.Sqlite), Names(StorageProvider.PostgreSql));
    }
}
