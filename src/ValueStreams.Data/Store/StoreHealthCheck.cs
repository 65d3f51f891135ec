using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ValueStreams.Data.Migrations;

namespace ValueStreams.Data.Store;

/// <summary>Ready when the database answers and every migration this build ships has been applied.</summary>
public sealed class StoreHealthCheck(ConnectionFactory connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM schemaversions", cancellationToken: cancellationToken));
            var shipped = DatabaseMigrator.ShippedScripts(connections.Provider).Count;
            return applied >= shipped
                ? HealthCheckResult.Healthy($"{connections.Provider} store with {applied} migrations applied.")
                : HealthCheckResult.Unhealthy($"{shipped - applied} migration(s) not applied yet.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"The {connections.Provider} store does not answer.", ex);
        }
    }
}
