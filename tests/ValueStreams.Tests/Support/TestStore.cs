using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Tests.Support;

/// <summary>A fresh, empty store on one provider: a temporary SQLite file or a new PostgreSQL database.</summary>
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

    public static async Task<TestStore> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.PostgreSql)
            return new TestStore(provider, await TestPostgres.CreateDatabaseAsync(), null);

        var folder = Directory.CreateTempSubdirectory("valuestreams-test-").FullName;
        return new TestStore(provider, $"Data Source={Path.Combine(folder, "valuestreams.db")}", folder);
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
