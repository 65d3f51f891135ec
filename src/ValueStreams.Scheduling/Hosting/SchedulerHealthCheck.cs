using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ValueStreams.Scheduling.Hosting;

/// <summary>Ready when the job storage answers and, where this node runs a server, that server's heartbeat is fresh.</summary>
public sealed class SchedulerHealthCheck(JobStorage storage, SchedulingOptions options, TimeProvider clock) : IHealthCheck
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            if (!options.RunServer)
                return Task.FromResult(HealthCheckResult.Healthy("No scheduler server runs in this node; storage answers."));

            var prefix = $"{Environment.MachineName}:{Environment.ProcessId}".ToLowerInvariant();
            var now = clock.GetUtcNow().UtcDateTime;
            var mine = servers.FirstOrDefault(s => s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
            if (mine is null)
                return Task.FromResult(HealthCheckResult.Unhealthy("The scheduler server of this node has not announced itself yet."));
            if (mine.Heartbeat is { } beat && now - beat > StaleAfter)
                return Task.FromResult(HealthCheckResult.Unhealthy($"The scheduler's last heartbeat was at {beat:O}."));
            return Task.FromResult(HealthCheckResult.Healthy($"Scheduler server {mine.Name} with {mine.WorkersCount} workers."));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The scheduler's storage does not answer.", ex));
        }
    }
}
