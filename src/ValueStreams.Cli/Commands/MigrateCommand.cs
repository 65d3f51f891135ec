using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Store;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams migrate</c>: applies the store's pending migrations, as the host does at start-up.</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var store = new StoreOptions();
        var command = new Command("migrate", "Apply pending database migrations (forward-only; already applied ones are skipped).");
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var location = store.Resolve(result);
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
