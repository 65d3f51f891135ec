using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ValueStreams.Data.Analytics;

/// <summary>
/// Every second, turns the noted changes into the days they touch and recomputes the ended days that have settled, so a read
/// finds little left to do (a read recomputes what is left before it answers).
/// </summary>
public sealed class FlowRollupRefresh(FlowRollups rollups, ILogger<FlowRollupRefresh> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await rollups.RefreshAsync(FlowRollups.Settle, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The notes stay where they are: the next tick, or the next read, rolls them up.
                logger.LogWarning(ex, "Rolling up value stream analytics failed; retrying");
            }
        }
    }
}
