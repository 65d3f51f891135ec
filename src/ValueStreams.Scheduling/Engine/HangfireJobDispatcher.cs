using Hangfire;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Scheduling.Engine;

/// <summary>Hands outbox jobs to Hangfire: due ones to the queue, future ones (timers) to the schedule.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient jobs, TimeProvider clock) : IJobDispatcher
{
    public void Dispatch(IReadOnlyList<OutboxJob> outbox)
    {
        foreach (var job in outbox)
        {
            if (job.DueAt is { } due && due > clock.GetUtcNow())
                jobs.Schedule<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None), due);
            else
                jobs.Enqueue<EngineJobs>(j => j.RunAsync(job.Kind, job.TargetId, CancellationToken.None));
        }
    }
}
