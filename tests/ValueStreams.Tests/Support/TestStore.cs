using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Tests.Support;

/// <summary>
/// A fresh store on one provider, a temporary SQLite file or a new PostgreSQL database: with every shipped migration
/// applied (copied from <see cref="MigratedTemplates"/>), or empty for the tests of migrating itself.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly string? _folder;

    private TestStore(StorageProvider provider, string connectionString, string? folder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        DapperSetup.Apply();
        Connections = new ConnectionFactory(provider, connectionString);
    }

    public StorageProvider Provider { get; }
    public string ConnectionString { get; }
    public ConnectionFactory Connections { get; }

    /// <summary>Theory data: every provider the product supports.</summary>
    public static TheoryData<StorageProvider> Providers => [StorageProvider.Sqlite, StorageProvider.PostgreSql];

    /// <summary>A store with every shipped migration applied.</summary>
    public static Task<TestStore> CreateAsync(StorageProvider provider) => CreateAsync(provider, migrated: true);

    /// <summary>A store without even the migrations' journal.</summary>
    public static Task<TestStore> CreateEmptyAsync(StorageProvider provider) => CreateAsync(provider, migrated: false);

    private static async Task<TestStore> CreateAsync(StorageProvider provider, bool migrated)
    {
        if (provider == StorageProvider.PostgreSql)
            return new TestStore(provider, await TestPostgres.CreateDatabaseAsync(migrated ? await MigratedTemplates.PostgresAsync() : null), null);

        var folder = Directory.CreateTempSubdirectory("valuestreams-test-").FullName;
        var file = Path.Combine(folder, "valuestreams.db");
        if (migrated)
            await MigratedTemplates.CopySqliteToAsync(file);
        return new TestStore(provider, $"Data Source={file}", folder);
    }

    public async ValueTask DisposeAsync()
    {
        Connections.Dispose();
        if (Provider == StorageProvider.PostgreSql)
            await TestPostgres.DropDatabaseAsync(ConnectionString);
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder!, recursive: true);
        }
    }
}
