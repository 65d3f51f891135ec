using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Records;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// The engine's run sessions kept in memory, for fast per-step tests: one run at a time (as SQLite's write lock),
/// and a run that throws leaves nothing behind (its copy of the state is dropped). Instances are kept as JSON, so a
/// run changes only what it saves. The HTTP tests on both stores remain the contract; this is for behaviour.
/// </summary>
internal sealed class InMemoryRunStore : IRunSessionFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string, int), ValueStreamDefinition> _definitions = [];
    private readonly Dictionary<string, int> _published = [];

    public State Committed { get; private set; } = new();

    public void Publish(ValueStreamDefinition definition, int version = 1)
    {
        _definitions[(definition.Id, version)] = definition;
        _published[definition.Id] = version;
    }

    public async Task<T> RunAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var working = Committed.Copy();
            var result = await work(new Session(working, this));
            Committed = working;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public InstanceState Instance(string id) => Read(Committed.Instances[id]);

    public List<JournalEntry> JournalOf(string instanceId) => Committed.Journal.Where(j => j.InstanceId == instanceId).ToList();

    private static InstanceState Read(string json) => JsonSerializer.Deserialize<InstanceState>(json)!;

    private static string Write(InstanceState instance) => JsonSerializer.Serialize(instance);

    public sealed record TaskEntry(HumanTask Task, string Status, string? Outcome = null, string? CompletedBy = null, string? ClaimedBy = null);

    /// <summary>Everything a run can change; copying it is cheap (the entries are immutable).</summary>
    public sealed class State
    {
        public Dictionary<string, string> Instances { get; init; } = [];
        public Dictionary<string, TaskEntry> Tasks { get; init; } = [];
        public Dictionary<string, (DurableTimer Timer, string Status)> Timers { get; init; } = [];
        public Dictionary<string, EventSubscription> Subscriptions { get; init; } = [];
        public List<JournalEntry> Journal { get; init; } = [];
        public List<OutboxJob> Outbox { get; init; } = [];
        public List<OutgoingMessage> Messages { get; init; } = [];
        public Dictionary<string, (string Type, string Fields)> Records { get; init; } = [];
        public Dictionary<string, (RetainedEvent Event, bool Consumed)> Retained { get; init; } = [];

        public State Copy() => new()
        {
            Instances = new(Instances), Tasks = new(Tasks), Timers = new(Timers), Subscriptions = new(Subscriptions),
            Journal = [.. Journal], Outbox = [.. Outbox], Messages = [.. Messages], Records = new(Records), Retained = new(Retained),
        };
    }

    private sealed class Session(State state, InMemoryRunStore store) : IRunSession
    {
        public Task<InstanceState?> LockInstanceAsync(string instanceId) =>
            Task.FromResult(state.Instances.TryGetValue(instanceId, out var json) ? Read(json) : null);

        public Task InsertInstanceAsync(InstanceState instance)
        {
            if (!state.Instances.TryAdd(instance.Id, Write(instance)))
                throw new InvalidOperationException($"Instance '{instance.Id}' exists.");
            return Task.CompletedTask;
        }

        public Task SaveInstanceAsync(InstanceState instance)
        {
            if (Read(state.Instances[instance.Id]).Revision != instance.Revision)
                throw new InvalidOperationException($"Instance '{instance.Id}' was saved by another run since it was loaded.");
            instance.Revision++;
            state.Instances[instance.Id] = Write(instance);
            return Task.CompletedTask;
        }

        public async Task<(TaskRow Task, InstanceState Instance)?> LockInstanceOfTaskAsync(string taskId)
        {
            if (!state.Tasks.TryGetValue(taskId, out var entry) || await LockInstanceAsync(entry.Task.InstanceId) is not { } instance)
                return null;
            return (Row(entry), instance);
        }

        private static TaskRow Row(TaskEntry e) =>
            new(e.Task.Id, e.Task.InstanceId, e.Task.StepId, e.Task.TokenId, e.Status, e.Task.CandidateGroup, e.Task.Assignee, e.ClaimedBy);

        public Task<ValueStreamDefinition?> LoadDefinitionAsync(string valueStreamId, int version) =>
            Task.FromResult(store._definitions.GetValueOrDefault((valueStreamId, version)));

        public Task<(string Cron, string TimeZone, DateTimeOffset NextAt)?> ScheduleOfAsync(string valueStreamId) =>
            Task.FromResult<(string, string, DateTimeOffset)?>(null);

        public Task<bool> AdvanceScheduleAsync(string valueStreamId, DateTimeOffset moment, DateTimeOffset? next, DateTimeOffset now) =>
            Task.FromResult(false);

        // The in-memory store keeps no records, so no record clock and no threshold of one.
        public Task<ValueStreams.Engine.Runtime.FiredThreshold?> FireThresholdAsync(string thresholdId, DateTimeOffset now) => Task.FromResult<ValueStreams.Engine.Runtime.FiredThreshold?>(null);

        public Task<string> ApplyThresholdActionAsync(ValueStreams.Engine.Runtime.FiredThreshold fired, ValueStreams.Core.ServiceLevels.ThresholdAction action, DateTimeOffset now) =>
            throw new NotSupportedException("The in-memory store keeps no records.");

        public Task RecordThresholdOutcomeAsync(string thresholdId, string outcome) => throw new NotSupportedException("The in-memory store keeps no records.");

        public Task<int?> PublishedVersionAsync(string valueStreamId) =>
            Task.FromResult(store._published.TryGetValue(valueStreamId, out var version) ? version : (int?)null);

        public Task AppendJournalAsync(JournalEntry entry)
        {
            state.Journal.Add(entry);
            return Task.CompletedTask;
        }

        public Task CreateTaskAsync(HumanTask task)
        {
            state.Tasks.Add(task.Id, new TaskEntry(task, "open"));
            return Task.CompletedTask;
        }

        public Task<TaskRow?> CompleteTaskAsync(string taskId, string outcome, JsonObject data, string actor, DateTimeOffset at, bool overrideClaim)
        {
            if (!state.Tasks.TryGetValue(taskId, out var entry)
                || !(entry.Status == "open" || entry.Status == "claimed" && (entry.ClaimedBy == actor || overrideClaim)))
                return Task.FromResult<TaskRow?>(null);
            state.Tasks[taskId] = entry with { Status = "completed", Outcome = outcome, CompletedBy = actor };
            return Task.FromResult<TaskRow?>(Row(entry));
        }

        public Task CancelOpenTasksAsync(string instanceId, DateTimeOffset at)
        {
            Withdraw(e => e.Task.InstanceId == instanceId, "cancelled");
            return Task.CompletedTask;
        }

        public Task<int> CancelOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at, string? because = null) =>
            Task.FromResult(Withdraw(e => e.Task.InstanceId == instanceId && e.Task.TokenId == tokenId, "cancelled"));

        public Task<int> TimeOutOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at) =>
            Task.FromResult(Withdraw(e => e.Task.InstanceId == instanceId && e.Task.TokenId == tokenId, "timed-out"));

        public Task<int> OpenTasksOfTokenAsync(string instanceId, string tokenId) =>
            Task.FromResult(state.Tasks.Values.Count(e => e.Task.InstanceId == instanceId && e.Task.TokenId == tokenId && IsOpen(e)));

        private static bool IsOpen(TaskEntry e) => e.Status is "open" or "claimed";

        private int Withdraw(Func<TaskEntry, bool> which, string status)
        {
            var open = state.Tasks.Values.Where(e => IsOpen(e) && which(e)).ToList();
            foreach (var e in open)
                state.Tasks[e.Task.Id] = e with { Status = status };
            return open.Count;
        }

        public Task CreateTimerAsync(DurableTimer timer)
        {
            state.Timers.Add(timer.Id, (timer, "pending"));
            return Task.CompletedTask;
        }

        public Task<DurableTimer?> FireTimerAsync(string timerId, DateTimeOffset at, bool evenIfNotDue)
        {
            if (!state.Timers.TryGetValue(timerId, out var t) || t.Status != "pending" || !evenIfNotDue && t.Timer.DueAt > at)
                return Task.FromResult<DurableTimer?>(null);
            state.Timers[timerId] = (t.Timer, "fired");
            return Task.FromResult<DurableTimer?>(t.Timer);
        }

        public Task<IReadOnlyList<(string TimerId, DateTimeOffset DueAt)>> PendingTimersAsync(string instanceId) =>
            Task.FromResult<IReadOnlyList<(string, DateTimeOffset)>>(state.Timers.Values
                .Where(t => t.Status == "pending" && t.Timer.InstanceId == instanceId)
                .OrderBy(t => t.Timer.DueAt).Select(t => (t.Timer.Id, t.Timer.DueAt)).ToList());

        public Task CancelTimersAsync(string instanceId)
        {
            foreach (var t in state.Timers.Values.Where(t => t.Status == "pending" && t.Timer.InstanceId == instanceId).ToList())
                state.Timers[t.Timer.Id] = (t.Timer, "cancelled");
            return Task.CompletedTask;
        }

        public Task<bool> CancelTimerAsync(string timerId)
        {
            if (!state.Timers.TryGetValue(timerId, out var t) || t.Status != "pending")
                return Task.FromResult(false);
            state.Timers[timerId] = (t.Timer, "cancelled");
            return Task.FromResult(true);
        }

        public Task SubscribeAsync(EventSubscription subscription)
        {
            state.Subscriptions.Add(subscription.Id, subscription);
            return Task.CompletedTask;
        }

        public Task<EventSubscription?> TakeSubscriptionAsync(string subscriptionId) =>
            Task.FromResult(state.Subscriptions.Remove(subscriptionId, out var s) ? s : null);

        public Task<IReadOnlyList<EventSubscription>> FindSubscriptionsAsync(string eventName, string correlationId) =>
            Task.FromResult<IReadOnlyList<EventSubscription>>(state.Subscriptions.Values
                .Where(s => s.EventName == eventName && s.CorrelationId == correlationId).ToList());

        public Task CancelSubscriptionsAsync(string instanceId)
        {
            foreach (var s in state.Subscriptions.Values.Where(s => s.InstanceId == instanceId).ToList())
                state.Subscriptions.Remove(s.Id);
            return Task.CompletedTask;
        }

        public Task RetainEventAsync(RetainedEvent retained)
        {
            state.Retained.Add(retained.Id, (retained, false));
            return Task.CompletedTask;
        }

        /// <summary>The earliest kept event that matches; who published it is not checked here (the stores do, and the HTTP tests cover it).</summary>
        public Task<RetainedEvent?> ConsumeRetainedEventAsync(string eventName, string correlationId, DateTimeOffset publishedSince, DateTimeOffset now,
            string instanceId)
        {
            var match = state.Retained.Values
                .Where(r => !r.Consumed && r.Event.EventName == eventName && r.Event.CorrelationId == correlationId
                    && r.Event.PublishedAt >= publishedSince && r.Event.ExpiresAt > now)
                .OrderBy(r => r.Event.PublishedAt).Select(r => r.Event).FirstOrDefault();
            if (match is not null)
                state.Retained[match.Id] = (match, true);
            return Task.FromResult(match);
        }

        public Task<int> DeleteExpiredEventsAsync(DateTimeOffset now, int max)
        {
            var expired = state.Retained.Values.Where(r => r.Event.ExpiresAt <= now).Take(max).Select(r => r.Event.Id).ToList();
            foreach (var id in expired)
                state.Retained.Remove(id);
            return Task.FromResult(expired.Count);
        }

        public Task EnqueueAsync(OutboxJob job)
        {
            state.Outbox.Add(job);
            return Task.CompletedTask;
        }

        public Task CreateMessageAsync(OutgoingMessage message)
        {
            state.Messages.Add(message);
            return Task.CompletedTask;
        }

        /// <summary>
        /// Records here keep their fields as given: the typed kinds' checks belong to the stores and their tests. As in
        /// the stores, a kind the catalogue does not hold fails the step.
        /// </summary>
        private static void Known(string recordType)
        {
            if (RecordKindCatalogue.Find(recordType) is null)
                throw new StepFailedException($"there is no record kind '{recordType}'");
        }

        public Task<RecordRef> CreateRecordAsync(string recordType, JsonObject fields, string actor, string? instanceId)
        {
            Known(recordType);
            var id = Guid.NewGuid().ToString("N");
            state.Records.Add(id, (recordType, fields.ToJsonString()));
            return Task.FromResult(new RecordRef(recordType, id, null));
        }

        public Task LinkRecordAsync(string recordType, string recordId, string instanceId, string role) => Task.CompletedTask;

        public Task<IReadOnlyList<(string Id, int Version)>> PublishedStreamsAsync() =>
            Task.FromResult<IReadOnlyList<(string, int)>>(store._published.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).ToList());

        public Task<bool> UpdateRecordAsync(string recordType, string recordId, JsonObject fields, string actor, string? instanceId)
        {
            Known(recordType);
            if (!state.Records.TryGetValue(recordId, out var record) || record.Type != recordType)
                return Task.FromResult(false);
            var current = JsonNode.Parse(record.Fields)!.AsObject();
            foreach (var (name, value) in fields)
                current[name] = value?.DeepClone();
            state.Records[recordId] = (recordType, current.ToJsonString());
            return Task.FromResult(true);
        }

        public Task<JsonObject?> LookupRecordAsync(string recordType, JsonObject filters, string? instanceId)
        {
            Known(recordType);
            foreach (var (id, record) in state.Records.Where(r => r.Value.Type == recordType))
            {
                var fields = JsonNode.Parse(record.Fields)!.AsObject();
                if (filters.All(f => JsonNode.DeepEquals(fields[f.Key], f.Value)))
                {
                    fields["id"] = id;
                    return Task.FromResult<JsonObject?>(fields);
                }
            }
            return Task.FromResult<JsonObject?>(null);
        }
    }
}
