using Hangfire;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Scheduling.Engine;

/// <summary>The Hangfire jobs of the engine: outbox jobs and the reconciler that re-sends what a crash lost.</summary>
public sealed class EngineJobs(OutboxJobRunner runner, IOutbox outbox, IJobDispatcher dispatcher, IPeopleNotifier people, IDueItems due, TimeProvider clock)
{
    public const string ReconcilerId = "engine-reconciler";
    public const string MailerId = "notification-emails";

    /// <summary>Jobs committed this long ago and still not handed over were lost between commit and dispatch.</summary>
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(15);

    /// <summary>Items still pending this long after they fell due were missed by every node's wake-up clock.</summary>
    private static readonly TimeSpan MissedAfter = TimeSpan.FromMinutes(1);

    /// <summary>The most missed items one round hands over; the next round takes the rest.</summary>
    private const int MissedPerRound = 10_000;

    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [1, 2, 5, 10, 30])]
    public Task RunAsync(string kind, string target, CancellationToken cancellationToken) =>
        runner.RunAsync(kind, target, cancellationToken);

    /// <summary>Emails the new-task notifications written since the last round, in one batch.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public Task EmailNotificationsAsync(CancellationToken cancellationToken) => people.EmailNotificationsAsync(cancellationToken);

    /// <summary>
    /// Re-dispatches undispatched outbox jobs, and hands over every due item (timer, service-level target, scheduled
    /// start) that fell due a minute ago and is still pending; all idempotent.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var lost = await outbox.UndispatchedAsync(LostAfter, cancellationToken);
        if (lost.Count > 0)
            await outbox.DispatchAsync(lost, cancellationToken);

        var missed = await due.DueBeforeAsync(clock.GetUtcNow() - MissedAfter, MissedPerRound, cancellationToken);
        dispatcher.Dispatch(missed.Select(item => new OutboxJob(Guid.NewGuid().ToString("N"), item.Kind, item.Target, null)).ToList());
    }
}
