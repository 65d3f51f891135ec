using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Store;

/// <summary>
/// The one place that opens database connections, for either provider. Repositories take it and write
/// SQL that both dialects accept; where they differ, they ask its <see cref="Dialect"/>.
/// </summary>
public sealed class ConnectionFactory : IDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string _sqliteConnectionString = "";

    /// <summary>As configured, password included (a data source's own ConnectionString leaves the password out).</summary>
    private readonly string _postgresConnectionString = "";

    public ConnectionFactory(StorageProvider provider, string connectionString)
    {
        Provider = provider;
        if (provider == StorageProvider.PostgreSql)
        {
            // Runs repeat the same few statements: let Npgsql prepare them once per connection. Nothing here
            // changes session state (the one advisory lock has a connection of its own, see RunExclusivelyAsync),
            // so a pooled connection needs no reset statements when it is handed out again.
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.MaxAutoPrepare == 0)
                builder.MaxAutoPrepare = 64;
            if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
                builder.NoResetOnClose = true;
            // Every statement here is short. PostgreSQL's JIT compiles any plan whose estimate passes jit_above_cost, and
            // the record access rule's sub-plans push list estimates past it: 100–500 ms of compiling for a 10 ms query.
            if (string.IsNullOrEmpty(builder.Options))
                builder.Options = "-c jit=off";
            _postgresConnectionString = builder.ConnectionString;
            _postgres = NpgsqlDataSource.Create(_postgresConnectionString);
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(connectionString)
            {
                ForeignKeys = true,
                DefaultTimeout = 30,
                Pooling = true,
            };
            var file = builder.DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:")
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            _sqliteConnectionString = builder.ToString();
        }
    }

    public StorageProvider Provider { get; }

    /// <summary>The connection string with provider defaults applied (used by migrations).</summary>
    public string ConnectionString => _postgres is null ? _sqliteConnectionString : _postgresConnectionString;

    /// <summary>Where this provider's SQL differs from the other's.</summary>
    public SqlDialect Dialect => SqlDialect.For(Provider);

    /// <summary>Opens a connection synchronously, for callers that cannot wait asynchronously (the key manager).</summary>
    public DbConnection Open()
    {
        if (_postgres is not null)
            return _postgres.OpenConnection();

        var connection = new SqliteConnection(_sqliteConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
            return await _postgres.OpenConnectionAsync(cancellationToken);

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Runs work that only one node may do at a time (start-up seeding), under a PostgreSQL advisory lock;
    /// on SQLite there is only one node.
    /// </summary>
    public async Task RunExclusivelyAsync(long lockKey, Func<Task> work, CancellationToken cancellationToken = default)
    {
        if (_postgres is null)
        {
            await work();
            return;
        }
        // Not from the pool: the session that holds the lock ends with this connection, whatever happens.
        var unpooled = new NpgsqlConnectionStringBuilder(_postgresConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", lockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await work();
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", lockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _postgres?.Dispose();
}
