using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Extensions.Logging;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Migrations;

/// <summary>
/// Applies the forward-only migrations of the configured provider with DbUp. Scripts already in the
/// journal are skipped, so a second start applies nothing. On PostgreSQL an advisory lock keeps nodes
/// that start together from migrating at the same time.
/// </summary>
public sealed class DatabaseMigrator(ConnectionFactory connections, ILogger<DatabaseMigrator> logger)
{
    private const long MigrationLockKey = 0x56_53_4D_49_47; // "VSMIG"

    /// <summary>Applies pending scripts and returns their names, in order.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (connections.Provider == StorageProvider.PostgreSql)
        {
            EnsureDatabase.For.PostgresqlDatabase(connections.ConnectionString, new DbUp.Engine.Output.NoOpUpgradeLog());
            IReadOnlyList<string> upgraded = [];
            await connections.RunExclusivelyAsync(MigrationLockKey, () =>
            {
                upgraded = Upgrade(DeployChanges.To.PostgresqlDatabase(connections.ConnectionString), StorageProvider.PostgreSql);
                return Task.CompletedTask;
            }, cancellationToken);
            return upgraded;
        }

        var applied = Upgrade(DeployChanges.To.SqliteDatabase(connections.ConnectionString), StorageProvider.Sqlite);
        await using var connection = await connections.OpenAsync(cancellationToken);
        // WAL lets readers and the single writer work at once; the setting is stored in the file.
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        return applied;
    }

    /// <summary>Names of the scripts this build ships for the configured provider.</summary>
    public static IReadOnlyList<string> ShippedScripts(StorageProvider provider) =>
        typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
            .Where(name => name.Contains(FolderOf(provider), StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FolderOf(StorageProvider provider) => $".Migrations.{provider}.";

    private List<string> Upgrade(UpgradeEngineBuilder builder, StorageProvider provider)
    {
        var engine = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(FolderOf(provider), StringComparison.Ordinal))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogTo(logger)
            .Build();

        var result = engine.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration '{result.ErrorScript?.Name}' failed: {result.Error.Message}", result.Error);

        var applied = result.Scripts.Select(s => s.Name).ToList();
        if (applied.Count > 0)
            logger.LogInformation("Applied {Count} migration(s): {Scripts}", applied.Count, applied);
        return applied;
    }
}
