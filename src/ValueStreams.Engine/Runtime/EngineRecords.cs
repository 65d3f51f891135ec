using System.Text.Json.Nodes;

namespace ValueStreams.Engine.Runtime;

/// <summary>One line of an instance's history: a step entered, completed or faulted, a task created, value realised…</summary>
public sealed record JournalEntry(
    string InstanceId, DateTimeOffset At, string? StepId, string Event, string? Actor = null, string? Outcome = null, string? Detail = null)
{
    public const string Started = "instance-started";
    public const string Entered = "step-entered";
    public const string Completed = "step-completed";
    public const string Faulted = "step-faulted";
    public const string TaskCreated = "task-created";
    public const string ValueRealised = "value-realised";
    public const string TimerScheduled = "timer-scheduled";
    public const string TimerFired = "timer-fired";

    /// <summary>A step's deadline passed before its task was completed or its event arrived; it leaves by timeout.</summary>
    public const string TimedOut = "step-timed-out";
    public const string EventAwaited = "event-awaited";
    public const string EventReceived = "event-received";
    public const string Notified = "notification-sent";
    public const string RecordWritten = "record-written";
    public const string ChildStarted = "child-started";

    /// <summary>One item of a for-each step is done (detail: "item i of n" and its task or child).</summary>
    public const string ItemCompleted = "item-completed";
    public const string InstanceCompleted = "instance-completed";
    public const string InstanceFaulted = "instance-faulted";
    public const string InstanceCancelled = "instance-cancelled";
    public const string InstanceSuspended = "instance-suspended";
    public const string InstanceResumed = "instance-resumed";
    public const string InstanceMigrated = "instance-migrated";
    public const string Retried = "step-retried";

    /// <summary>A failed step will run again: "attempt 2 of 3 at (due time): (the error)".</summary>
    public const string RetryScheduled = "retry-scheduled";

    /// <summary>The retry's time has come; the step runs again.</summary>
    public const string RetryStarted = "retry-started";

    /// <summary>A task of the step missed a service-level target and was escalated (outcome: response or resolution; detail: the task).</summary>
    public const string ServiceLevelMissed = "sla-missed";
}

/// <summary>
/// A human task as the engine creates it; the inbox deepens what happens to it. <paramref name="DueAt"/> orders the
/// inbox (the resolution target, else the response target); <paramref name="RespondBy"/> and <paramref name="ResolveBy"/>
/// are the step's service-level targets, watched by <see cref="IServiceLevels"/>.
/// </summary>
public sealed record HumanTask(
    string Id, string InstanceId, string StepId, string TokenId, string Title, string? CandidateGroup, string? Assignee,
    int? Priority, JsonArray Outcomes, JsonArray Form, DateTimeOffset? DueAt, DateTimeOffset CreatedAt, string Completion,
    DateTimeOffset? RespondBy = null, DateTimeOffset? ResolveBy = null, string? EscalateTo = null, string? SlaCalendar = null);

/// <summary>A pending timer; firing it is a guarded change of this one row.</summary>
public sealed record DurableTimer(string Id, string InstanceId, string TokenId, string StepId, DateTimeOffset DueAt);

/// <summary>A token waiting for an event by name and correlation id.</summary>
public sealed record EventSubscription(string Id, string InstanceId, string TokenId, string StepId, string EventName, string CorrelationId);

/// <summary>
/// An event published while no instance waited for it, kept until <paramref name="ExpiresAt"/> for the first wait that
/// matches and that its publisher may see (<paramref name="PublisherGroups"/>: the publisher's groups; null when the
/// publisher may see every instance).
/// </summary>
public sealed record RetainedEvent(
    string Id, string EventName, string CorrelationId, JsonNode? Payload, string PublishedBy, DateTimeOffset PublishedAt, DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? PublisherGroups = null);

/// <summary>What publishing an event did: how many waiting instances it resumed, and whether it was kept for a later wait.</summary>
public sealed record EventDelivery(int Resumed, bool Retained);

/// <summary>An email or webhook call a notify step sends; delivered by a background job after the run commits.</summary>
public sealed record OutgoingMessage(
    string Id, string Channel, string? Recipient, string? Subject, string Body, string? Url, string InstanceId, string? TaskId, DateTimeOffset CreatedAt);

/// <summary>
/// Delivers what runs leave for people: the messages of notify steps, and (in batches) the emails about
/// new tasks whose in-app notifications the runs wrote. Implemented by the host.
/// </summary>
public interface IPeopleNotifier
{
    Task DeliverMessageAsync(string messageId, CancellationToken cancellationToken);
    Task EmailNotificationsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Watches the service-level targets of human tasks. A task still unclaimed at its response target, or still
/// open at its resolution target, is escalated once per target: its priority goes up one, its audit trail and
/// its instance's journal say which target was missed, and its people and the step's escalation group are
/// told. Checking twice, or early, changes nothing.
/// </summary>
public interface IServiceLevels
{
    /// <summary>Escalates the task for every target it has missed and not yet been escalated for; returns how many.</summary>
    Task<int> CheckAsync(string taskId, CancellationToken cancellationToken);
}

/// <summary>Work for the scheduler, written in the run's transaction and handed to Hangfire after commit.</summary>
public sealed record OutboxJob(string Id, string Kind, string TargetId, DateTimeOffset? DueAt)
{
    public const string Continue = "continue";
    public const string FireTimer = "fire-timer";
    public const string ResumeParent = "resume-parent";
    public const string HttpRequest = "http-request";
    public const string DeliverMessage = "deliver-message";

    /// <summary>Runs a script step's script outside any transaction and applies its result (target: instance/token); idempotent.</summary>
    public const string RunScript = "run-script";

    /// <summary>A task's response or resolution target falls due: escalate it if it was missed (target: instance/task).</summary>
    public const string CheckServiceLevel = "check-service-level";

    /// <summary>A scheduled stream's next moment falls due: start it once for that moment (target: stream/<c>schedule</c>).</summary>
    public const string StartScheduled = "start-scheduled";

    /// <summary>A service level clock reaches a threshold of its warning ladder: fire it once and run its actions (target: record/threshold).</summary>
    public const string FireThreshold = "fire-threshold";

    /// <summary>A target naming an instance and one thing in it (a timer, a token).</summary>
    public static string Target(string instanceId, string itemId) => $"{instanceId}/{itemId}";

    public static (string InstanceId, string ItemId) SplitTarget(string target)
    {
        var at = target.IndexOf('/', StringComparison.Ordinal);
        return at < 0 ? (target, "") : (target[..at], target[(at + 1)..]);
    }
}

/// <summary>The outbox as the reconciler sees it: jobs committed but never handed to the scheduler.</summary>
public interface IOutbox
{
    Task<IReadOnlyList<OutboxJob>> UndispatchedAsync(TimeSpan olderThan, CancellationToken cancellationToken);
    Task DispatchAsync(IReadOnlyList<OutboxJob> jobs, CancellationToken cancellationToken);
}
