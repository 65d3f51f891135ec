using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Records;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// One transaction of the store, seen by the engine. Everything a run writes goes through it and is
/// committed together, or not at all. Implemented by the Data layer for each provider. Its roles are separate
/// interfaces, so that a part of the engine can ask for only the one it needs.
/// </summary>
public interface IRunSession : IInstanceStore, IDefinitionSource, IRunJournal, ITaskStore, ITimerStore, IScheduleStore, ISubscriptionStore, IRunOutbox, IRecordStore, IThresholdStore;

/// <summary>Instances, loaded and held for the run, inserted and saved.</summary>
public interface IInstanceStore
{
    /// <summary>Loads an instance and holds it: no other run advances it until this transaction ends.</summary>
    Task<InstanceState?> LockInstanceAsync(string instanceId);

    Task InsertInstanceAsync(InstanceState instance);

    /// <summary>Writes the instance's state; fails if another run saved it since it was loaded.</summary>
    Task SaveInstanceAsync(InstanceState instance);

    /// <summary>A task and its instance, held as <see cref="IInstanceStore.LockInstanceAsync"/> holds it, read together; null for an unknown task.</summary>
    Task<(TaskRow Task, InstanceState Instance)?> LockInstanceOfTaskAsync(string taskId);
}

/// <summary>Published versions of value streams.</summary>
public interface IDefinitionSource
{
    Task<ValueStreamDefinition?> LoadDefinitionAsync(string valueStreamId, int version);
    Task<int?> PublishedVersionAsync(string valueStreamId);
}

/// <summary>The instance journal, appended to.</summary>
public interface IRunJournal
{
    Task AppendJournalAsync(JournalEntry entry);
}

/// <summary>Human tasks, created, completed, cancelled and timed out.</summary>
public interface ITaskStore
{
    Task CreateTaskAsync(HumanTask task);

    /// <summary>
    /// Marks an open task, or one the actor holds, completed; null if it was not open (completed, cancelled or unknown)
    /// or someone else holds it, unless <paramref name="overrideClaim"/>.
    /// </summary>
    Task<TaskRow?> CompleteTaskAsync(string taskId, string outcome, JsonObject data, string actor, DateTimeOffset at, bool overrideClaim);


    Task CancelOpenTasksAsync(string instanceId, DateTimeOffset at);

    /// <summary>
    /// Cancels the still-open tasks a token waits for (the other participants of an "any" step, a branch a first-wins
    /// join no longer waits for); their history says <paramref name="because"/>. Returns how many.
    /// </summary>
    Task<int> CancelOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at, string? because = null);

    /// <summary>Withdraws the still-open tasks a token waits for as timed out (its step's deadline passed); returns how many.</summary>
    Task<int> TimeOutOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at);

    /// <summary>How many tasks a token still waits for.</summary>
    Task<int> OpenTasksOfTokenAsync(string instanceId, string tokenId);
}

/// <summary>Durable timers, created, fired once, cancelled.</summary>
public interface ITimerStore
{
    Task CreateTimerAsync(DurableTimer timer);

    /// <summary>
    /// pending → fired for one timer that is due at <paramref name="at"/> (or any pending one when
    /// <paramref name="evenIfNotDue"/>); null otherwise, so a second firing changes nothing.
    /// </summary>
    Task<DurableTimer?> FireTimerAsync(string timerId, DateTimeOffset at, bool evenIfNotDue);

    /// <summary>The pending timers of an instance with their due times, earliest first.</summary>
    Task<IReadOnlyList<(string TimerId, DateTimeOffset DueAt)>> PendingTimersAsync(string instanceId);

    Task CancelTimersAsync(string instanceId);

    /// <summary>pending → cancelled for one timer; false when it was not pending, so its job finds nothing to fire.</summary>
    Task<bool> CancelTimerAsync(string timerId);
}

/// <summary>The schedules of streams that start by themselves (a start step with the schedule trigger).</summary>
public interface IScheduleStore
{
    /// <summary>The stream's schedule as its published version set it, or null when it has none.</summary>
    Task<(string Cron, string TimeZone, DateTimeOffset NextAt)?> ScheduleOfAsync(string valueStreamId);

    /// <summary>
    /// Moves the schedule on from <paramref name="moment"/> to <paramref name="next"/> (none: the schedule ends); false when
    /// the schedule no longer stands at that moment, so one moment starts one instance.
    /// </summary>
    Task<bool> AdvanceScheduleAsync(string valueStreamId, DateTimeOffset moment, DateTimeOffset? next, DateTimeOffset now);
}

/// <summary>Event subscriptions of waiting tokens.</summary>
public interface ISubscriptionStore
{
    Task SubscribeAsync(EventSubscription subscription);

    /// <summary>Removes and returns the subscriptions of one instance for an event.</summary>
    Task<EventSubscription?> TakeSubscriptionAsync(string subscriptionId);

    Task<IReadOnlyList<EventSubscription>> FindSubscriptionsAsync(string eventName, string correlationId);

    Task CancelSubscriptionsAsync(string instanceId);

    /// <summary>Keeps an event that no instance waited for, until it expires.</summary>
    Task RetainEventAsync(RetainedEvent retained);

    /// <summary>
    /// Takes the earliest unconsumed, unexpired retained event of that name and correlation id published at or after
    /// <paramref name="publishedSince"/> whose publisher may see the instance; a conditional update, so one event is
    /// consumed by one wait only.
    /// </summary>
    Task<RetainedEvent?> ConsumeRetainedEventAsync(string eventName, string correlationId, DateTimeOffset publishedSince, DateTimeOffset now, string instanceId);

    /// <summary>Deletes up to <paramref name="max"/> retained events that have expired; returns how many.</summary>
    Task<int> DeleteExpiredEventsAsync(DateTimeOffset now, int max);
}

/// <summary>Work that runs after commit: scheduler jobs and outgoing messages.</summary>
public interface IRunOutbox
{
    Task EnqueueAsync(OutboxJob job);

    Task CreateMessageAsync(OutgoingMessage message);
}

/// <summary>
/// The ITIL records the create-, update- and lookup-record steps and the records API work on, all of catalogued kinds:
/// their fields are checked, and a change they refuse throws <see cref="RecordRefusedException"/>.
/// Every write and lookup made for an instance links the instance and the record.
/// </summary>
public interface IRecordStore
{
    Task<RecordRef> CreateRecordAsync(string recordType, JsonObject fields, string actor, string? instanceId);

    /// <summary>False when there is no such record.</summary>
    Task<bool> UpdateRecordAsync(string recordType, string recordId, JsonObject fields, string actor, string? instanceId);

    Task<JsonObject?> LookupRecordAsync(string recordType, JsonObject filters, string? instanceId);

    /// <summary>Links an instance and a record it works on (once per pair; the first role stays).</summary>
    Task LinkRecordAsync(string recordType, string recordId, string instanceId, string role);

    /// <summary>The streams that have a published version, each with that version, by id.</summary>
    Task<IReadOnlyList<(string Id, int Version)>> PublishedStreamsAsync();
}

/// <summary>
/// The thresholds of service level clocks' warning ladders. Firing one is a guarded change in the run's transaction (its
/// fired time goes from empty to now, and only once its due time has come), so its actions commit with it, once.
/// </summary>
public interface IThresholdStore
{
    /// <summary>Fires the threshold if it is due at <paramref name="now"/> and has not fired; null when it is not due, fired already or gone.</summary>
    Task<FiredThreshold?> FireThresholdAsync(string thresholdId, DateTimeOffset now);

    /// <summary>Carries out a notify, raise-priority, reassign or webhook action of a fired threshold; returns what it did, in people's words.</summary>
    Task<string> ApplyThresholdActionAsync(FiredThreshold fired, Core.ServiceLevels.ThresholdAction action, DateTimeOffset now);

    /// <summary>Keeps what the fired threshold's actions did.</summary>
    Task RecordThresholdOutcomeAsync(string thresholdId, string outcome);
}

/// <summary>
/// A threshold that has just fired: its record (kind, id, number, fields), clock, percent and actions, and the next
/// moment of working time on the clock's calendar (now, within working time), where notifications that wait for working
/// time are held.
/// </summary>
public sealed record FiredThreshold(string Id, string RecordKind, string RecordId, string Number, string Clock, int Percent,
    IReadOnlyList<Core.ServiceLevels.ThresholdAction> Actions, DateTimeOffset DueAt, DateTimeOffset WorkingFrom, JsonObject Record);

/// <summary>A record written: its kind, id and, for typed kinds, its number (<c>INC-000123</c>).</summary>
public sealed record RecordRef(string Kind, string Id, string? Number);

/// <summary>A record change its kind refused, with every field at fault.</summary>
public sealed class RecordRefusedException(string kind, IReadOnlyList<RecordFieldError> errors)
    : Exception($"the {kind} was not saved: {string.Join("; ", errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}"))}")
{
    public IReadOnlyList<RecordFieldError> Errors { get; } = errors;
}

/// <summary>A task as stored, for the checks the engine makes before completing it.</summary>
public sealed record TaskRow(string Id, string InstanceId, string StepId, string TokenId, string Status, string? CandidateGroup, string? Assignee, string? ClaimedBy);

/// <summary>Opens run sessions and hands committed outbox jobs to the scheduler.</summary>
public interface IRunSessionFactory
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; then dispatches the outbox jobs the
    /// run enqueued. Retries the whole unit when the store reports a serialisation conflict.
    /// </summary>
    Task<T> RunAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken cancellationToken = default);
}

/// <summary>Hands outbox jobs to the background scheduler (Hangfire); jobs must be idempotent.</summary>
public interface IJobDispatcher
{
    void Dispatch(IReadOnlyList<OutboxJob> jobs);
}
