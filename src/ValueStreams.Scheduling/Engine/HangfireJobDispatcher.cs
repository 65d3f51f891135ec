using Hangfire;
using ValueStreams.Engine.Runtime;
using ValueStreams.Scheduling.WakeUps;

namespace ValueStreams.Scheduling.Engine;

/// <summary>
/// Hands outbox jobs to Hangfire: due ones to the queue, future ones (timers) to the schedule, which is the backstop.
/// Future timers and service-level checks also go to this node's wake-up clock, when it runs one, to be acted on at
/// their moment.
/// </summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient jobs, TimeProvider clock, WakeUpClock? wakeUps = null) : IJobDispatcher
{
    private static DateTimeOffset RoundUpToSecond(DateTimeOffset time) =>
        new(time.Ticks + (TimeSpan.TicksPerSecond - time.Ticks % TimeSpan.TicksPerSecond) % TimeSpan.TicksPerSecond, time.Offset);

    public void Dispatch(IReadOnlyList<OutboxJob> outbox)
    {
        foreach (var job in outbox)
        {
            // Hangfire keeps whole seconds: round up, so a timer is never picked up before it is due.
            if (job.DueAt is { } due && due > clock.GetUtcNow())
            {
                wakeUps?.Offer(new DueItem(due, job.Kind, job.TargetId));
                jobs.Schedule<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None), RoundUpToSecond(due));
            }
            else
                jobs.Enqueue<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None));
        }
    }
}
