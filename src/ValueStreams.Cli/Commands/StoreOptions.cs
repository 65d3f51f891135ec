using System.CommandLine;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Cli.Commands;

/// <summary>The options naming the store a verb opens directly (not through a server), read as the host reads its settings.</summary>
public sealed class StoreOptions
{
    private readonly Option<StorageProvider?> _provider = new("--provider")
    {
        Description = "Sqlite or PostgreSql (default: ValueStreams__Storage__Provider, else Sqlite)",
    };

    private readonly Option<string?> _connectionString = new("--connection-string")
    {
        Description = "Connection string (default: ConnectionStrings__ValueStreams; on SQLite, data/valuestreams.db)",
    };

    private readonly Option<string?> _dataDirectory = new("--data-directory")
    {
        Description = "Where the embedded store keeps its files (default: ValueStreams__Storage__DataDirectory, else data)",
    };

    public void AddTo(Command command)
    {
        command.Add(_provider);
        command.Add(_connectionString);
        command.Add(_dataDirectory);
    }

    /// <summary>Where the store is; throws <see cref="InvalidOperationException"/> naming the missing setting.</summary>
    public StoreLocation Resolve(ParseResult result) =>
        StoreLocation.Resolve(new StorageOptions
        {
            Provider = result.GetValue(_provider)
                ?? (Enum.TryParse<StorageProvider>(Environment.GetEnvironmentVariable("ValueStreams__Storage__Provider"), true, out var p) ? p : StorageProvider.Sqlite),
            ConnectionString = result.GetValue(_connectionString) ?? Environment.GetEnvironmentVariable("ConnectionStrings__ValueStreams"),
            DataDirectory = result.GetValue(_dataDirectory) ?? Environment.GetEnvironmentVariable("ValueStreams__Storage__DataDirectory") ?? "data",
        }, Directory.GetCurrentDirectory());
}
