using Microsoft.Extensions.Diagnostics.HealthChecks;
using ValueStreams.Scheduling.Hosting;

namespace ValueStreams.Scheduling.WakeUps;

/// <summary>
/// Ready while this node's wake-up clock keeps up: it read the store recently, and nothing it holds is overdue by
/// more than a few seconds. A node whose store went away, or whose clock is stuck, says so instead of staying green.
/// </summary>
public sealed class WakeUpHealthCheck(SchedulingOptions options, TimeProvider clock, WakeUpClock? wakeUps = null) : IHealthCheck
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (wakeUps is null)
            return Task.FromResult(HealthCheckResult.Healthy("No scheduler server runs in this node, so no wake-up clock either."));

        var now = clock.GetUtcNow();
        var staleAfter = options.WakeUpLookAhead * 3 + Tolerance;
        var lastRead = wakeUps.LastLookAhead ?? (wakeUps.Started == default ? now : wakeUps.Started);
        if (now - lastRead > staleAfter)
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The wake-up clock last read due timers from the store at {wakeUps.LastLookAhead:O}; timers and service-level targets are stalled.",
                wakeUps.LastLookAheadError));
        if (wakeUps.EarliestWaiting is { } earliest && now - earliest > Tolerance)
            return Task.FromResult(HealthCheckResult.Unhealthy($"An item due at {earliest:O} is still waiting to be acted on."));
        return Task.FromResult(HealthCheckResult.Healthy($"Wake-up clock: store read at {wakeUps.LastLookAhead:O}, {wakeUps.Acted} items acted on."));
    }
}
