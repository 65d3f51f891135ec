using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams migrate</c>: applies the store's pending migrations, as the host does at start-up.</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var provider = new Option<StorageProvider?>("--provider")
        {
            Description = "Sqlite or PostgreSql (default: ValueStreams__Storage__Provider, else Sqlite)",
        };
        var connectionString = new Option<string?>("--connection-string")
        {
            Description = "Connection string (default: ConnectionStrings__ValueStreams; on SQLite, data/valuestreams.db)",
        };
        var dataDirectory = new Option<string?>("--data-directory")
        {
            Description = "Where the embedded store keeps its files (default: ValueStreams__Storage__DataDirectory, else data)",
        };
        var command = new Command("migrate", "Apply pending database migrations (forward-only; already applied ones are skipped).")
        {
            provider, connectionString, dataDirectory,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new StorageOptions
            {
                Provider = result.GetValue(provider)
                    ?? (Enum.TryParse<StorageProvider>(Environment.GetEnvironmentVariable("ValueStreams__Storage__Provider"), true, out var p) ? p : StorageProvider.Sqlite),
                ConnectionString = result.GetValue(connectionString) ?? Environment.GetEnvironmentVariable("ConnectionStrings__ValueStreams"),
                DataDirectory = result.GetValue(dataDirectory) ?? Environment.GetEnvironmentVariable("ValueStreams__Storage__DataDirectory") ?? "data",
            };
            try
            {
                var location = StoreLocation.Resolve(options, Directory.GetCurrentDirectory());
                using var connections = new ConnectionFactory(location.Provider, location.ConnectionString);
                var applied = await new DatabaseMigrator(connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(cancellationToken);
                if (applied.Count == 0)
                    await output.WriteLineAsync($"The {location.Provider} store is up to date; nothing to apply.");
                foreach (var script in applied)
                    await output.WriteLineAsync($"applied {script}");
                return CliApp.Ok;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"migrate: {ex.Message}");
                return CliApp.Problem;
            }
        });
        return command;
    }
}
