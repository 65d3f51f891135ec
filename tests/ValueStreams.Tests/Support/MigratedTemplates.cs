using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Tests.Support;

/// <summary>
/// A store with every shipped migration applied, made once and copied for each test: a PostgreSQL template
/// database (<c>CREATE DATABASE … TEMPLATE</c>) and a SQLite file. Running the forty-odd scripts for every test
/// cost more than most tests themselves. A template's name carries a hash of the scripts, so a changed or added
/// script makes a new template, and an old one is never used by mistake. The migration tests themselves start
/// from an empty store.
/// </summary>
public static class MigratedTemplates
{
    private const long BuildLockKey = 0x56_53_54_50_4C; // "VSTPL"
    private static readonly Lazy<Task<string>> PostgresTemplate = new(BuildPostgresTemplateAsync);
    private static readonly Lazy<Task<string>> SqliteTemplate = new(BuildSqliteTemplateAsync);

    /// <summary>The name of the migrated template database on the test server, made on first use.</summary>
    public static Task<string> PostgresAsync() => PostgresTemplate.Value;

    /// <summary>Copies the migrated SQLite file to <paramref name="path"/>.</summary>
    public static async Task CopySqliteToAsync(string path) => File.Copy(await SqliteTemplate.Value, path, overwrite: false);

    private static string ScriptsHash(StorageProvider provider)
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in DatabaseMigrator.ShippedScripts(provider))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            hash.AppendData(Encoding.UTF8.GetBytes(reader.ReadToEnd()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static async Task<string> BuildPostgresTemplateAsync()
    {
        // "_hf": the template also holds the scheduler's schema, which every host would otherwise create at start-up.
        var name = $"vs_template_{ScriptsHash(StorageProvider.PostgreSql)}_hf";
        await using var server = new NpgsqlConnection(TestPostgres.ServerConnectionString);
        await server.OpenAsync();
        // Test processes that start together build the template once: the others wait here and find it made.
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({BuildLockKey})", server))
            await lockCommand.ExecuteNonQueryAsync();
        try
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server))
            {
                exists.Parameters.AddWithValue("name", name);
                if (await exists.ExecuteScalarAsync() is not null)
                    return name;
            }

            // Built under a temporary name and renamed when whole, so a process killed mid-way leaves no half template.
            var building = $"{name}_building";
            await Execute(server, $"DROP DATABASE IF EXISTS {building} WITH (FORCE)");
            await Execute(server, $"CREATE DATABASE {building}");
            var connectionString = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = building }.ConnectionString;
            using (var connections = new ConnectionFactory(StorageProvider.PostgreSql, connectionString))
                await new DatabaseMigrator(connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            await using (var scheduler = new NpgsqlConnection(connectionString))
            {
                await scheduler.OpenAsync();
                // The installer's logger is made once per process from Hangfire's current log provider, which may be a
                // host's logger factory that is already disposed; no host runs here, so nothing is lost by not logging.
                Hangfire.Logging.LogProvider.SetCurrentLogProvider(new SilentLog());
                Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(scheduler, "hangfire");
            }
            NpgsqlConnection.ClearAllPools();
            await Execute(server, $"ALTER DATABASE {building} RENAME TO {name}");
            return name;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({BuildLockKey})", server);
            await unlock.ExecuteNonQueryAsync();
        }
    }

    private static async Task<string> BuildSqliteTemplateAsync()
    {
        // One file per test process: building it takes about as long as one test's migrations did.
        var folder = Directory.CreateTempSubdirectory("valuestreams-template-").FullName;
        var path = Path.Combine(folder, "valuestreams.db");
        using (var connections = new ConnectionFactory(StorageProvider.Sqlite, $"Data Source={path}"))
        {
            await new DatabaseMigrator(connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            // Closing the last connection checkpoints the write-ahead log into the file, so the file alone is whole.
            using var pooled = new Microsoft.Data.Sqlite.SqliteConnection(connections.ConnectionString);
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(pooled);
        }
        if (File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0)
            throw new InvalidOperationException($"The SQLite template {path} still has a write-ahead log after its connections closed.");
        return path;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class SilentLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
    {
        public Hangfire.Logging.ILog GetLogger(string name) => this;
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
