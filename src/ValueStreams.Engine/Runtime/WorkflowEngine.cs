using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Records;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// The engine's front door: every change to an instance (start, task completed, timer fired, event,
/// child ended, cancel, retry…) is one transaction that locks the instance, applies the change, runs
/// the interpreter until every token waits, and writes state, journal, tasks, timers and outbox together.
/// </summary>
public sealed class WorkflowEngine(IRunSessionFactory sessions, Interpreter interpreter, TimeProvider clock, InstanceDataLimits? limits = null,
    IEnumerable<IRecordPolicy>? recordPolicies = null)
{
    private readonly IReadOnlyList<IRecordPolicy> _recordPolicies = recordPolicies?.ToList() ?? [];

    private readonly InstanceDataLimits _limits = limits ?? new InstanceDataLimits();

    /// <summary>How much data an instance takes in one go; callers check it before reading what they were sent.</summary>
    public InstanceDataLimits Limits => _limits;

    public const string System = "system";

    private DateTimeOffset Now => clock.GetUtcNow();

    public Task<InstanceState> StartAsync(string valueStreamId, JsonNode? input, string? correlationId, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            if (input is not null and not JsonObject)
                throw new EngineException(EngineRefusal.Invalid, "input must be a JSON object", [("input", "must be an object")]);
            _limits.CheckStart(input, correlationId);
            var version = await session.PublishedVersionAsync(valueStreamId)
                ?? throw new EngineException(EngineRefusal.NotFound, $"Value stream '{valueStreamId}' has no published version.");
            var definition = await LoadAsync(session, valueStreamId, version);
            return await StartInSessionAsync(session, definition, version, (JsonObject?)input ?? [], correlationId, user);
        }, ct);

    /// <summary>
    /// Starts a scheduled stream for the moment that has come, once across nodes: the schedule moves on to its next moment
    /// in the same transaction (moments missed while no node ran are not made up: the next is the first after now).
    /// The instance's correlation id names the moment. Null when the moment has not come or was already taken.
    /// </summary>
    public Task<InstanceState?> StartOnScheduleAsync(string valueStreamId, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            if (await session.ScheduleOfAsync(valueStreamId) is not { } schedule || schedule.NextAt > Now)
                return null;
            var plan = Core.Definitions.Schedules.StreamSchedule.Read(schedule.Cron, schedule.TimeZone).Schedule;
            var next = plan?.Next(Now > schedule.NextAt ? Now : schedule.NextAt);
            if (!await session.AdvanceScheduleAsync(valueStreamId, schedule.NextAt, next, Now))
                return null;
            if (await session.PublishedVersionAsync(valueStreamId) is not { } version)
                return null;
            var definition = await LoadAsync(session, valueStreamId, version);
            return (InstanceState?)await StartInSessionAsync(session, definition, version, [],
                $"schedule:{schedule.NextAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", System);
        }, ct);

    private async Task<InstanceState> StartInSessionAsync(IRunSession session, ValueStreamDefinition definition, int version, JsonObject input,
        string? correlationId, string user)
    {
        var start = definition.Steps.Single(s => s.Type == "start");
        var instance = Interpreter.NewInstance(definition, version, input, correlationId, user, Now);
        instance.NewToken(start.Id);
        await session.InsertInstanceAsync(instance);
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, null, JournalEntry.Started, user, null, $"{definition.Id} version {version}"));
        await AdvanceAsync(instance, definition, session, user);
        await session.SaveInstanceAsync(instance);
        return instance;
    }

    /// <summary>
    /// Creates a record and, in the same transaction, starts every published stream whose start step is triggered by a
    /// new record of that kind (and whose condition, if any, holds for it). Each such instance works on the record: it
    /// gets the record's fields as input and the record as <c>startingRecord</c>, and the two are linked. Then the
    /// record policies open the records it leads to (an exception event opens an incident), each starting its own
    /// streams, and the record's link field names each. A record its kind refuses throws
    /// <see cref="RecordRefusedException"/> and nothing is stored.
    /// </summary>
    public Task<(RecordRef Record, IReadOnlyList<InstanceState> Started)> CreateRecordAsync(string kind, JsonObject fields, string user,
        CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var (record, started) = await CreateAndStartAsync(session, kind, fields, user);
            // Records a policy opens get no follow-ups of their own, so policies cannot open records without end.
            foreach (var followUp in _recordPolicies.SelectMany(p => p.FollowUps(kind, fields)).ToList())
            {
                var (opened, startedByIt) = await CreateAndStartAsync(session, followUp.Kind, followUp.Fields, user);
                started.AddRange(startedByIt);
                await session.UpdateRecordAsync(kind, record.Id, new JsonObject { [followUp.LinkField] = opened.Number ?? opened.Id }, user, null);
            }
            return ((RecordRef, IReadOnlyList<InstanceState>))(record, started);
        }, ct);

    private async Task<(RecordRef Record, List<InstanceState> Started)> CreateAndStartAsync(IRunSession session, string kind, JsonObject fields,
        string user)
    {
        var record = await session.CreateRecordAsync(kind, fields, user, null);
        var started = new List<InstanceState>();
        foreach (var (streamId, version) in await session.PublishedStreamsAsync())
        {
            var definition = await LoadAsync(session, streamId, version);
            var start = definition.Steps.Single(s => s.Type == "start");
            if (Text(start, "trigger") != "record-created" || Text(start, "recordType") != kind || !Holds(start, fields))
                continue;
            var input = (JsonObject)fields.DeepClone();
            input[Steps.StartingRecord.Variable] = Steps.StartingRecord.Describe(record);
            var instance = await StartInSessionAsync(session, definition, version, input, $"{kind}:{record.Id}", user);
            await session.LinkRecordAsync(kind, record.Id, instance.Id, "started");
            started.Add(instance);
        }
        return (record, started);
    }

    private static string? Text(StepDefinition step, string property) =>
        step.Properties[property] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The start step's record condition over the new record's fields (as <c>vars</c> and <c>input</c>); none holds always.</summary>
    private bool Holds(StepDefinition start, JsonObject fields)
    {
        if (Text(start, "condition") is not { Length: > 0 } condition)
            return true;
        using var scope = new Expressions.ExpressionScope((JsonObject)fields.DeepClone(), fields.DeepClone(), []);
        try
        {
            return interpreter.Expressions.EvaluateCondition(condition, scope);
        }
        catch (Expressions.ExpressionException failed)
        {
            // A stream that cannot tell whether it should start must not be skipped quietly: nothing is stored.
            throw new EngineException(EngineRefusal.Conflict, $"The start condition of a record-created stream failed: {failed.Message}");
        }
    }

    /// <summary>Completes a task with an outcome and form data, then runs on. The caller has checked who may.</summary>
    public Task<InstanceState> CompleteTaskAsync(string taskId, string outcome, JsonObject data, string user, bool overrideClaim = false,
        CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            _limits.CheckTaskData(data);
            var (task, instance) = await session.LockInstanceOfTaskAsync(taskId)
                ?? throw new EngineException(EngineRefusal.NotFound, $"Task '{taskId}' was not found.");
            EnsureRunnable(instance);
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            var step = definition.FindStep(task.StepId)!;
            var outcomes = (step.Properties["outcomes"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(o => o["id"]?.GetValue<string>()).ToList();
            if (!outcomes.Contains(outcome))
                throw new EngineException(EngineRefusal.Invalid, $"'{outcome}' is not an outcome of this task.",
                    [("outcome", $"must be one of {string.Join(", ", outcomes)}")]);

            var completed = await session.CompleteTaskAsync(taskId, outcome, data, user, Now, overrideClaim)
                ?? throw new EngineException(EngineRefusal.Conflict, task.Status == "claimed" && task.ClaimedBy != user && !overrideClaim
                    ? $"Task '{taskId}' is claimed by {task.ClaimedBy}."
                    : $"Task '{taskId}' is no longer open or is claimed by someone else.");
            var token = instance.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Task, taskId)
                    || t.WaitingFor == new Bookmark(Bookmark.Tasks, completed.TokenId)
                    || t.WaitingFor == new Bookmark(Bookmark.Each, completed.TokenId) && t.ForEach?.Open.ContainsKey(taskId) == true)
                ?? throw new EngineException(EngineRefusal.Conflict, $"Task '{taskId}' no longer has a waiting step.");

            if (token.WaitingFor!.Kind == Bookmark.Each)
            {
                // One item of a for-each: its outcome and data go into the collected list, not into the variables.
                var item = token.ForEach!.Items[token.ForEach.Open[taskId]]?.DeepClone();
                var index = Steps.ForEach.Complete(token, taskId,
                    new JsonObject { ["item"] = item, ["outcome"] = outcome, ["data"] = data.DeepClone(), ["completedBy"] = user })!.Value;
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.ItemCompleted, user, outcome,
                    $"item {index + 1} of {token.ForEach!.Items.Count}: task {taskId}"));
                await AdvanceAsync(instance, definition, session, user);
                await session.SaveInstanceAsync(instance);
                return instance;
            }

            foreach (var (name, value) in data)
                instance.Variables[name] = value?.DeepClone();
            // Participants so far of this visit of the step (a step visited again in a loop starts afresh).
            var sofar = instance.Outputs[step.Id] as JsonObject;
            var participants = sofar?["waitingToken"]?.GetValue<string>() == token.Id ? (JsonArray)sofar["participants"]!.DeepClone() : [];
            participants.Add(new JsonObject { ["group"] = completed.CandidateGroup, ["outcome"] = outcome, ["completedBy"] = user, ["data"] = data.DeepClone() });

            var port = outcome;
            if (token.WaitingFor!.Kind == Bookmark.Tasks)
            {
                if (step.Properties["completion"]?.GetValue<string>() == "all")
                {
                    if (await session.OpenTasksOfTokenAsync(instance.Id, token.Id) > 0)
                    {
                        // Others still have to act: record this participant and wait.
                        instance.Outputs[step.Id] = new JsonObject { ["waitingToken"] = token.Id, ["participants"] = participants.DeepClone() };
                        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, "participant-completed", user, outcome, completed.Id));
                        await session.SaveInstanceAsync(instance);
                        return instance;
                    }
                    // Everyone has acted: any outcome other than the expected one (the first) carries the step, the earliest first.
                    port = participants.Select(p => p!["outcome"]!.GetValue<string>()).FirstOrDefault(o => o != outcomes[0]) ?? outcomes[0]!;
                }
                else
                {
                    await session.CancelOpenTasksOfTokenAsync(instance.Id, token.Id, Now);
                }
            }
            instance.Variables[$"{step.Id}_outcome"] = port;
            instance.Outputs[step.Id] = new JsonObject
            {
                ["outcome"] = port, ["data"] = data.DeepClone(), ["completedBy"] = user, ["participants"] = participants.DeepClone(),
            };
            await interpreter.ResumeAsync(instance, definition, token, port, session, user, port, completed.Id);
            await AdvanceAsync(instance, definition, session, user);
            await session.SaveInstanceAsync(instance);
            return instance;
        }, ct);

    /// <summary>
    /// Fires a threshold of a service level clock's warning ladder when its moment has come by the engine's clock, once
    /// across nodes and retries: the guard and every action commit in one transaction. Notifications and priority and
    /// group changes are rows of that transaction; a webhook is a message delivered after commit; a value stream starts
    /// with the record's fields as input and the record as <c>startingRecord</c>. An action that cannot be carried out
    /// (a stream with no published version) is written in the threshold's outcome, and the others still take effect.
    /// False when the threshold is not due yet, has fired already or is gone.
    /// </summary>
    public Task<bool> FireThresholdAsync(string thresholdId, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            if (await session.FireThresholdAsync(thresholdId, Now) is not { } fired)
                return false;
            var outcomes = new List<string>();
            foreach (var action in fired.Actions)
                outcomes.Add(action.Do == Core.ServiceLevels.ThresholdActionKind.StartStream
                    ? await StartForThresholdAsync(session, fired, action.Stream!)
                    : await session.ApplyThresholdActionAsync(fired, action, Now));
            await session.RecordThresholdOutcomeAsync(thresholdId, outcomes.Count == 0 ? "no actions" : string.Join("; ", outcomes));
            return true;
        }, ct);

    private async Task<string> StartForThresholdAsync(IRunSession session, FiredThreshold fired, string streamId)
    {
        if (await session.PublishedVersionAsync(streamId) is not { } version)
            return $"value stream {streamId} not started: it has no published version";
        var definition = await LoadAsync(session, streamId, version);
        var input = (JsonObject)fired.Record.DeepClone();
        input[Steps.StartingRecord.Variable] = Steps.StartingRecord.Describe(new RecordRef(fired.RecordKind, fired.RecordId, fired.Number));
        var instance = await StartInSessionAsync(session, definition, version, input, $"{fired.RecordKind}:{fired.RecordId}", System);
        await session.LinkRecordAsync(fired.RecordKind, fired.RecordId, instance.Id, "started");
        return $"started {streamId} ({instance.Id})";
    }

    /// <summary>
    /// Fires one timer when it is due. A timer that already fired (or was cancelled) changes nothing: jobs may
    /// run twice. A job that comes early (the scheduler keeps whole seconds) is scheduled again for the due
    /// time; <paramref name="evenIfNotDue"/> fires at once (operations and testing).
    /// </summary>
    public Task<bool> FireTimerAsync(string instanceId, string timerId, bool evenIfNotDue = false, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await session.LockInstanceAsync(instanceId);
            if (instance is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                return false;
            var timer = await session.FireTimerAsync(timerId, Now, evenIfNotDue);
            if (timer is null)
            {
                var pending = (await session.PendingTimersAsync(instanceId)).FirstOrDefault(t => t.TimerId == timerId);
                if (pending.TimerId is not null)
                    await session.EnqueueAsync(new OutboxJob(Interpreter.NewId(), OutboxJob.FireTimer, OutboxJob.Target(instanceId, timerId), pending.DueAt));
                return false;
            }
            var token = instance.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Timer, timerId) || t.WaitingFor == new Bookmark(Bookmark.Retry, timerId)
                || t.Deadline == timerId);
            if (token is null)
                return false;
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            if (token.Deadline == timerId)
            {
                await TimeOutAsync(session, instance, definition, token, timer.StepId);
            }
            else if (token.WaitingFor!.Kind == Bookmark.Retry)
            {
                await interpreter.StartRetryAsync(instance, definition, token, session);
            }
            else
            {
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, timer.StepId, JournalEntry.TimerFired, System));
                await interpreter.ResumeAsync(instance, definition, token, "done", session, System);
            }
            await AdvanceAsync(instance, definition, session, System);
            await session.SaveInstanceAsync(instance);
            return true;
        }, ct);

    /// <summary>A waiting step's deadline passed first: its tasks leave the inbox as timed out (or its subscription ends) and it leaves by timeout.</summary>
    private async Task TimeOutAsync(IRunSession session, InstanceState instance, ValueStreamDefinition definition, Token token, string stepId)
    {
        var withdrawn = token.WaitingFor?.Kind switch
        {
            Bookmark.Task or Bookmark.Tasks or Bookmark.Each => $"{await session.TimeOutOpenTasksOfTokenAsync(instance.Id, token.Id, Now)} task(s) timed out",
            Bookmark.Event => await session.TakeSubscriptionAsync(token.WaitingFor.Id) is null ? null : "stopped waiting for the event",
            _ => null,
        };
        token.Deadline = null;
        // A for-each that times out still gives what its items gave so far (null for the items not done).
        if (token.ForEach is { } each && definition.FindStep(stepId) is { } step && Steps.ForEach.Settings.Of(step.Properties) is { } settings)
        {
            instance.Variables[settings.Collect] = each.Results.DeepClone();
            token.ForEach = null;
        }
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, stepId, JournalEntry.TimedOut, System, null, withdrawn));
        await interpreter.ResumeAsync(instance, definition, token, "timeout", session, System);
    }

    /// <summary>Fires every pending timer of an instance now (operations and testing); returns how many fired.</summary>
    public async Task<int> FirePendingTimersAsync(string instanceId, CancellationToken ct = default)
    {
        var timers = await RunAsync(async session =>
        {
            _ = await session.LockInstanceAsync(instanceId)
                ?? throw new EngineException(EngineRefusal.NotFound, $"Instance '{instanceId}' was not found.");
            return await session.PendingTimersAsync(instanceId);
        }, ct);
        var fired = 0;
        foreach (var (timerId, _) in timers)
            if (await FireTimerAsync(instanceId, timerId, evenIfNotDue: true, ct))
                fired++;
        return fired;
    }

    /// <summary>
    /// Delivers an event to every instance waiting for it with that correlation id that <paramref name="mayResume"/>
    /// admits (the caller's right to act on the instance; every one when null). When nothing waits for it, the event is
    /// kept for the engine's event retention, and the first wait for it that starts in that time takes it. Expired
    /// retained events are cleaned up here, a bounded number at a time. Returns how many resumed and whether it was kept.
    /// A kept event is taken only by an instance its publisher may see: one of <paramref name="publisherGroups"/>'s
    /// (the publisher's groups; null when the publisher may see every instance) or the publisher's own.
    /// </summary>
    public async Task<EventDelivery> DeliverEventAsync(string eventName, string correlationId, JsonNode? payload, string user,
        Func<string, CancellationToken, Task<bool>>? mayResume = null, IReadOnlyList<string>? publisherGroups = null, CancellationToken ct = default)
    {
        _limits.CheckEvent(eventName, correlationId, payload);
        var options = interpreter.Options;
        var (subscriptions, retainedAt) = await sessions.RunAsync(async session =>
        {
            var now = Now;
            await session.DeleteExpiredEventsAsync(now, options.ExpiredEventsDeletedPerPublish);
            var found = await session.FindSubscriptionsAsync(eventName, correlationId);
            if (found.Count > 0 || options.EventRetention <= TimeSpan.Zero)
                return (found, (DateTimeOffset?)null);
            await session.RetainEventAsync(new RetainedEvent(Interpreter.NewId(), eventName, correlationId, payload?.DeepClone(), user, now, now + options.EventRetention,
                publisherGroups));
            return (found, now);
        }, ct);
        // A wait that started while the event was being kept may not have seen it: the first such wait takes it now.
        if (retainedAt is not null)
            subscriptions = await sessions.RunAsync(session => session.FindSubscriptionsAsync(eventName, correlationId), ct);
        var resumed = 0;
        foreach (var subscription in subscriptions)
        {
            if (mayResume is not null && !await mayResume(subscription.InstanceId, ct))
                continue;
            var done = await RunAsync(async session =>
            {
                var instance = await session.LockInstanceAsync(subscription.InstanceId);
                if (instance is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                    return false;
                // Held with its instance: the subscription of a token waiting for it exists until this run takes it.
                var token = instance.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Event, subscription.Id));
                if (token is null)
                    return false;
                var delivered = payload;
                var how = "published while waiting";
                if (retainedAt is { } since)
                {
                    if (await session.ConsumeRetainedEventAsync(eventName, correlationId, since, Now, instance.Id) is not { } kept)
                        return false;
                    delivered = kept.Payload;
                    how = $"published {kept.PublishedAt:O} as the wait started (retained event {kept.Id})";
                }
                if (await session.TakeSubscriptionAsync(subscription.Id) is null)
                    return false;
                var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
                instance.Outputs[subscription.StepId] = new JsonObject { ["event"] = eventName, ["payload"] = delivered?.DeepClone() };
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, subscription.StepId, JournalEntry.EventReceived, user, null,
                    $"{eventName} / {correlationId}, {how}"));
                await interpreter.ResumeAsync(instance, definition, token, "done", session, user);
                await AdvanceAsync(instance, definition, session, user);
                await session.SaveInstanceAsync(instance);
                return true;
            }, ct);
            if (done)
            {
                resumed++;
                if (retainedAt is not null)
                    break;
            }
        }
        return new EventDelivery(resumed, retainedAt is not null);
    }

    /// <summary>Runs whatever is ready in an instance (a new child's first steps; re-dispatch after a crash).</summary>
    public Task ContinueAsync(string instanceId, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await session.LockInstanceAsync(instanceId);
            if (instance is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                return false;
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            await AdvanceAsync(instance, definition, session, System);
            await session.SaveInstanceAsync(instance);
            return true;
        }, ct);

    /// <summary>
    /// Tells the parent that waits for a child how the child ended: completed, its call step goes on; faulted or
    /// cancelled, its call step fails (and leaves by its error port, or faults the parent). A second call changes nothing.
    /// </summary>
    public Task ResumeParentAsync(string childId, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var child = await session.LockInstanceAsync(childId);
            if (child?.ParentInstanceId is not { } parentId || child.Status is not (InstanceStatus.Completed or InstanceStatus.Faulted or InstanceStatus.Cancelled))
                return false;
            var parent = await session.LockInstanceAsync(parentId);
            if (parent is null || parent.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                return false;
            var token = parent.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Child, childId)
                || t.WaitingFor?.Kind == Bookmark.Each && t.ForEach is { OpenKind: Bookmark.Child } each && each.Open.ContainsKey(childId));
            if (token is null)
                return false;
            var definition = await LoadAsync(session, parent.ValueStreamId, parent.Version);
            var childDefinition = await LoadAsync(session, child.ValueStreamId, child.Version);
            if (child.Status == InstanceStatus.Completed && token.ForEach is not null)
            {
                var item = token.ForEach.Items[token.ForEach.Open[childId]]?.DeepClone();
                var index = Steps.ForEach.Complete(token, childId,
                    new JsonObject { ["item"] = item, ["instance"] = childId, ["outputs"] = OutputsOf(child, childDefinition) })!.Value;
                await session.AppendJournalAsync(new JournalEntry(parent.Id, Now, token.StepId, JournalEntry.ItemCompleted, System, "child-completed",
                    $"item {index + 1} of {token.ForEach.Items.Count}: child {childId}"));
            }
            else if (child.Status == InstanceStatus.Completed && MissingOutputs(definition.FindStep(token.StepId)!, childDefinition) is { } missing)
            {
                parent.Outputs[token.StepId] = new JsonObject { ["instance"] = childId, ["status"] = child.Status };
                await interpreter.FailWaitingStepAsync(parent, definition, token, session, missing);
            }
            else if (child.Status == InstanceStatus.Completed)
            {
                var outputs = OutputsOf(child, childDefinition);
                parent.Outputs[token.StepId] = new JsonObject
                {
                    ["instance"] = childId, ["outputs"] = outputs.DeepClone(), ["variables"] = child.Variables.DeepClone(),
                };
                foreach (var (output, variable) in OutputMapping(definition.FindStep(token.StepId)!))
                    parent.Variables[variable] = outputs[output]?.DeepClone();
                await interpreter.ResumeAsync(parent, definition, token, "done", session, System, "child-completed", childId);
            }
            else
            {
                var why = child.Status == InstanceStatus.Cancelled
                    ? $"child instance {childId} of '{child.ValueStreamId}' was cancelled"
                    : $"child instance {childId} of '{child.ValueStreamId}' faulted: {child.Tokens.FirstOrDefault(t => t.Fault is not null)?.Fault}";
                parent.Outputs[token.StepId] = new JsonObject { ["instance"] = childId, ["status"] = child.Status };
                if (token.ForEach is { } each)
                {
                    // One child of a for-each failed: the step fails as a whole, and its other children are cancelled.
                    token.ForEach = null;
                    foreach (var otherId in each.Open.Keys.Where(k => k != childId))
                        if (await session.LockInstanceAsync(otherId) is { } other && !InstanceStatus.IsFinished(other.Status))
                            await Withdrawal.CancelWithChildrenAsync(session, other, System, $"child {childId} of the same for-each step of {parent.Id} failed", Now);
                }
                await interpreter.FailWaitingStepAsync(parent, definition, token, session, why);
            }
            await AdvanceAsync(parent, definition, session, System);
            await session.SaveInstanceAsync(parent);
            return true;
        }, ct);

    /// <summary>Resumes a token that waited for an HTTP call made outside the run.</summary>
    public Task ResumeAfterHttpAsync(string instanceId, string tokenId, bool succeeded, JsonNode? response, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await session.LockInstanceAsync(instanceId);
            var token = instance?.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Http, tokenId));
            if (instance is null || token is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                return false;
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            var step = definition.FindStep(token.StepId)!;
            var failure = succeeded ? null : HttpStepRunner.FailureOf(response);
            if (failure is null || !await interpreter.ScheduleRetryAsync(instance, step, token, session, failure))
            {
                instance.Outputs[step.Id] = response?.DeepClone();
                if (step.Properties["resultVariable"]?.GetValue<string>() is { } variable)
                    instance.Variables[variable] = response?.DeepClone();
                await interpreter.ResumeAsync(instance, definition, token, succeeded ? "done" : "failed", session, System,
                    detail: failure is null ? null : Interpreter.GiveUp(step, token, failure));
            }
            await AdvanceAsync(instance, definition, session, System);
            await session.SaveInstanceAsync(instance);
            return true;
        }, ct);

    public Task<InstanceState> CancelAsync(string instanceId, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await LockAsync(session, instanceId);
            if (InstanceStatus.IsFinished(instance.Status))
                throw new EngineException(EngineRefusal.Conflict, $"Instance '{instanceId}' is already {instance.Status}.");
            await Withdrawal.CancelWithChildrenAsync(session, instance, user, null, Now);
            // A parent waiting for this instance hears of the cancellation at its call step.
            if (instance.ParentInstanceId is not null)
                await session.EnqueueAsync(new OutboxJob(Interpreter.NewId(), OutboxJob.ResumeParent, instance.Id, null));
            return instance;
        }, ct);

    /// <summary>Retries the faulted steps of an instance; a step with a retry policy gets all its attempts again.</summary>
    public Task<InstanceState> RetryAsync(string instanceId, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await LockAsync(session, instanceId);
            if (instance.Status != InstanceStatus.Faulted)
                throw new EngineException(EngineRefusal.Conflict, $"Instance '{instanceId}' is {instance.Status}, not faulted.");
            foreach (var token in instance.Tokens.Where(t => t.Fault is not null))
            {
                await session.AppendJournalAsync(new JournalEntry(instanceId, Now, token.StepId, JournalEntry.Retried, user, null, token.Fault));
                token.Fault = null;
                token.Attempts = 0;
            }
            instance.Status = InstanceStatus.Running;
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            await AdvanceAsync(instance, definition, session, user);
            await session.SaveInstanceAsync(instance);
            return instance;
        }, ct);

    public Task<InstanceState> SuspendAsync(string instanceId, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await LockAsync(session, instanceId);
            if (instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running or InstanceStatus.Faulted))
                throw new EngineException(EngineRefusal.Conflict, $"Instance '{instanceId}' is {instance.Status} and cannot be suspended.");
            instance.SuspendedFrom = instance.Status;
            instance.Status = InstanceStatus.Suspended;
            await session.AppendJournalAsync(new JournalEntry(instanceId, Now, null, JournalEntry.InstanceSuspended, user));
            await session.SaveInstanceAsync(instance);
            return instance;
        }, ct);

    /// <summary>Resumes a suspended instance and schedules its pending timers again.</summary>
    public Task<InstanceState> ResumeAsync(string instanceId, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await LockAsync(session, instanceId);
            if (instance.Status != InstanceStatus.Suspended)
                throw new EngineException(EngineRefusal.Conflict, $"Instance '{instanceId}' is {instance.Status}, not suspended.");
            instance.Status = instance.SuspendedFrom ?? InstanceStatus.Waiting;
            instance.SuspendedFrom = null;
            await session.AppendJournalAsync(new JournalEntry(instanceId, Now, null, JournalEntry.InstanceResumed, user));
            // Timers that fell due while suspended fire now; the others at their time (their first job found the instance suspended).
            foreach (var (timerId, dueAt) in await session.PendingTimersAsync(instanceId))
                await session.EnqueueAsync(new OutboxJob(Interpreter.NewId(), OutboxJob.FireTimer, OutboxJob.Target(instanceId, timerId), dueAt));
            var definition = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            await AdvanceAsync(instance, definition, session, user);
            await session.SaveInstanceAsync(instance);
            return instance;
        }, ct);

    /// <summary>
    /// Moves a waiting instance to another published version, when every step it waits at (or faulted at)
    /// exists there with the same type; otherwise refuses and names the steps that are missing.
    /// </summary>
    public Task<InstanceState> MigrateAsync(string instanceId, int targetVersion, string user, CancellationToken ct = default) =>
        RunAsync(async session =>
        {
            var instance = await LockAsync(session, instanceId);
            if (InstanceStatus.IsFinished(instance.Status))
                throw new EngineException(EngineRefusal.Conflict, $"Instance '{instanceId}' is {instance.Status}; only running instances migrate.");
            var current = await LoadAsync(session, instance.ValueStreamId, instance.Version);
            var target = await session.LoadDefinitionAsync(instance.ValueStreamId, targetVersion)
                ?? throw new EngineException(EngineRefusal.NotFound, $"Value stream '{instance.ValueStreamId}' has no version {targetVersion}.");
            var missing = MigrationPlan.Of(instance, current, target).Where(m => !m.Moves).Select(m => m.StepId).Distinct().ToList();
            if (missing.Count > 0)
                throw new EngineException(EngineRefusal.Conflict,
                    $"Version {targetVersion} has no step of the same type for {string.Join(", ", missing.Select(m => $"'{m}'"))}, where the instance waits.");
            var from = instance.Version;
            instance.Version = targetVersion;
            await session.AppendJournalAsync(new JournalEntry(instanceId, Now, null, JournalEntry.InstanceMigrated, user, null, $"version {from} -> {targetVersion}"));
            await session.SaveInstanceAsync(instance);
            return instance;
        }, ct);

    /// <summary>The outputs a completed child declares, by name: each the value of its variable of that name.</summary>
    private static JsonObject OutputsOf(InstanceState child, ValueStreamDefinition childDefinition)
    {
        var outputs = new JsonObject();
        foreach (var output in childDefinition.Outputs)
            outputs[output.Name] = child.Variables[output.Name]?.DeepClone();
        return outputs;
    }

    /// <summary>A call step's output mapping: the child's output, and the variable of the caller it goes into.</summary>
    private static IEnumerable<(string Output, string Variable)> OutputMapping(StepDefinition step) =>
        (step.Properties[Core.Definitions.StepTypes.CallValueStreamStep.OutputMapping] as JsonArray ?? []).OfType<JsonObject>()
            .Select(m => (m["output"]?.GetValue<string>() ?? "", m["variable"]?.GetValue<string>() ?? ""))
            .Where(m => m.Item1.Length > 0 && m.Item2.Length > 0);

    /// <summary>Why a call step cannot take the outputs it maps (the child's version does not declare them); null when it can.</summary>
    private static string? MissingOutputs(StepDefinition step, ValueStreamDefinition childDefinition)
    {
        var missing = OutputMapping(step).Select(m => m.Output).Where(o => childDefinition.Outputs.All(d => d.Name != o)).Distinct().ToList();
        return missing.Count == 0 ? null
            : $"value stream '{childDefinition.Id}' does not declare the output(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that step '{step.Id}' maps";
    }

    /// <summary>Script steps one continuation runs for an instance before its next one faults: a loop of scripts that never waits.</summary>
    public const int MaxScriptsPerContinuation = 1_000;

    /// <summary>How often a script runs again because its instance changed while it ran, before it runs inside the transaction.</summary>
    private const int OptimisticAttempts = 4;

    /// <summary>The instances whose runs left a token waiting at a script step, in the change being made now.</summary>
    private static readonly AsyncLocal<HashSet<string>?> ParkedScripts = new();

    /// <summary>
    /// One change in one transaction; after it commits, the scripts it reached run outside any transaction
    /// (<see cref="RunScriptsAsync"/>), so the caller sees the instance as it stands after them.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken ct)
    {
        var parked = new HashSet<string>(StringComparer.Ordinal);
        var outer = ParkedScripts.Value;
        ParkedScripts.Value = parked;
        T result;
        try
        {
            result = await sessions.RunAsync(work, ct);
        }
        finally
        {
            ParkedScripts.Value = outer;
        }
        foreach (var instanceId in parked)
        {
            InstanceState? latest;
            try
            {
                latest = await RunScriptsAsync(instanceId, null, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The change has committed, so it is not reported as failed: the answer shows the token still waiting at
                // its script, which the recovery job written with it runs later.
                continue;
            }
            if (latest is not null && result is InstanceState instance && instance.Id == instanceId)
                result = (T)(object)latest;
        }
        return result;
    }

    /// <summary>Runs an instance's ready tokens and notes it when a token is left waiting at a script step.</summary>
    private async Task AdvanceAsync(InstanceState instance, ValueStreamDefinition definition, IRunSession session, string actor)
    {
        await interpreter.AdvanceAsync(instance, definition, session, actor);
        if (instance.Tokens.Any(t => t.WaitingFor?.Kind == Bookmark.Script))
            ParkedScripts.Value?.Add(instance.Id);
    }

    /// <summary>
    /// Runs the scripts an instance's tokens wait for (one token's, or every one's), each outside any transaction:
    /// a short transaction reads the instance, the script runs with none open, and a second short transaction applies
    /// the result if the instance has not changed since it was read (its revision). When it has changed, the script runs
    /// again on the new state; a token no longer waiting (another run applied it, the instance was cancelled) is left
    /// alone, so a script's result is applied exactly once. Suspended or finished instances are left as they are (resuming
    /// runs their scripts). Returns the instance as the last transaction left it, or null when nothing ran.
    /// </summary>
    public async Task<InstanceState?> RunScriptsAsync(string instanceId, string? tokenId, CancellationToken ct = default)
    {
        InstanceState? latest = null;
        var ran = 0;
        var stale = 0;
        while (true)
        {
            var read = await sessions.RunAsync<(InstanceState Instance, Token Token, ValueStreamDefinition Definition)?>(async session =>
            {
                var instance = await session.LockInstanceAsync(instanceId);
                if (instance is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                    return null;
                var token = instance.Tokens.Find(t => t.WaitingFor?.Kind == Bookmark.Script && (tokenId is null || t.Id == tokenId));
                if (token is null)
                    return null;
                return (instance, token, await LoadAsync(session, instance.ValueStreamId, instance.Version));
            }, ct);
            if (read is null)
                return latest;
            var (snapshot, waiting, definition) = read.Value;

            var tooMany = ran >= MaxScriptsPerContinuation;
            // The script runs here, with no transaction open: other runs go on meanwhile.
            var result = tooMany || stale >= OptimisticAttempts ? null : interpreter.EvaluateScript(snapshot, definition, waiting);
            var (applied, instance) = await sessions.RunAsync<(ScriptRun, InstanceState?)>(async session =>
            {
                var instance = await session.LockInstanceAsync(instanceId);
                var token = instance?.Tokens.Find(t => t.Id == waiting.Id && t.WaitingFor == new Bookmark(Bookmark.Script, waiting.Id));
                if (instance is null || token is null || instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
                    return (ScriptRun.Gone, instance);
                if (tooMany)
                {
                    await interpreter.FaultWaitingAsync(instance, token, session,
                        $"the stream ran {MaxScriptsPerContinuation:N0} scripts without waiting; is there a loop without a task or timer?");
                }
                else
                {
                    if (result is not null && instance.Revision != snapshot.Revision)
                        return (ScriptRun.Stale, instance); // changed while the script ran: run it again on the new state
                    // Still changing after several tries: run it here, inside the transaction, so that it goes on.
                    await interpreter.ApplyScriptAsync(instance, definition, token, result ?? interpreter.EvaluateScript(instance, definition, token), session);
                }
                await interpreter.AdvanceAsync(instance, definition, session, System);
                await session.SaveInstanceAsync(instance);
                return (ScriptRun.Applied, instance);
            }, ct);
            switch (applied)
            {
                case ScriptRun.Applied:
                    latest = instance;
                    ran++;
                    stale = 0;
                    tokenId = null; // go on with any script its run reached
                    break;
                case ScriptRun.Stale:
                    stale++;
                    break;
                case ScriptRun.Gone when tokenId is not null:
                    return latest; // that token no longer waits: another run applied it, or the instance stopped
            }
        }
    }

    private enum ScriptRun { Applied, Stale, Gone }

    private static async Task<InstanceState> LockAsync(IRunSession session, string instanceId) =>
        await session.LockInstanceAsync(instanceId)
            ?? throw new EngineException(EngineRefusal.NotFound, $"Instance '{instanceId}' was not found.");

    private static void EnsureRunnable(InstanceState instance)
    {
        if (instance.Status is not (InstanceStatus.Waiting or InstanceStatus.Running))
            throw new EngineException(EngineRefusal.Conflict, $"Instance '{instance.Id}' is {instance.Status}.");
    }

    private static async Task<ValueStreamDefinition> LoadAsync(IRunSession session, string valueStreamId, int version) =>
        await session.LoadDefinitionAsync(valueStreamId, version)
            ?? throw new EngineException(EngineRefusal.NotFound, $"Value stream '{valueStreamId}' version {version} was not found.");
}
