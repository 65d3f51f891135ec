using Hangfire;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Scheduling.Engine;

/// <summary>Hands outbox jobs to Hangfire: due ones to the queue, future ones (timers) to the schedule.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient jobs, TimeProvider clock) : IJobDispatcher
{
    private static DateTimeOffset RoundUpToSecond(DateTimeOffset time) =>
        new(time.Ticks + (TimeSpan.TicksPerSecond - time.Ticks % TimeSpan.TicksPerSecond) % TimeSpan.TicksPerSecond, time.Offset);

    public void Dispatch(IReadOnlyList<OutboxJob> outbox)
    {
        foreach (var job in outbox)
        {
            // Hangfire keeps whole seconds: round up, so a timer is never picked up before it is due.
            if (job.DueAt is { } due && due > clock.GetUtcNow())
                jobs.Schedule<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None), RoundUpToSecond(due));
            else
                jobs.Enqueue<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None));
        }
    }
}
