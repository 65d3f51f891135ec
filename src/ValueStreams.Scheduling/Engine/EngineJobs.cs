using Hangfire;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Scheduling.Engine;

/// <summary>The Hangfire jobs of the engine: outbox jobs and the reconciler that re-sends what a crash lost.</summary>
public sealed class EngineJobs(OutboxJobRunner runner, IOutbox outbox, IJobDispatcher dispatcher, IPeopleNotifier people, IServiceLevels serviceLevels)
{
    public const string ReconcilerId = "engine-reconciler";
    public const string MailerId = "notification-emails";

    /// <summary>Jobs committed this long ago and still not handed over were lost between commit and dispatch.</summary>
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(15);

    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [1, 2, 5, 10, 30])]
    public Task RunAsync(string kind, string target, CancellationToken cancellationToken) =>
        runner.RunAsync(kind, target, cancellationToken);

    /// <summary>Emails the new-task notifications written since the last round, in one batch.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public Task EmailNotificationsAsync(CancellationToken cancellationToken) => people.EmailNotificationsAsync(cancellationToken);

    /// <summary>
    /// Re-dispatches undispatched outbox jobs, fires timers whose job went missing and checks service-level targets
    /// whose check went missing; all idempotent.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var lost = await outbox.UndispatchedAsync(LostAfter, cancellationToken);
        if (lost.Count > 0)
            await outbox.DispatchAsync(lost, cancellationToken);

        var overdue = await outbox.OverdueTimersAsync(TimeSpan.FromMinutes(1), cancellationToken);
        dispatcher.Dispatch(overdue.Select(t => new OutboxJob(Guid.NewGuid().ToString("N"), OutboxJob.FireTimer, OutboxJob.Target(t.InstanceId, t.TimerId), null)).ToList());

        var missed = await serviceLevels.OverdueAsync(TimeSpan.FromMinutes(1), cancellationToken);
        dispatcher.Dispatch(missed.Select(t => new OutboxJob(Guid.NewGuid().ToString("N"), OutboxJob.CheckServiceLevel, OutboxJob.Target(t.InstanceId, t.TaskId), null)).ToList());
    }
}
