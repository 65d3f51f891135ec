using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Expressions;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Moves an instance's ready tokens through the graph until each one waits (task, timer, event, child,
/// HTTP call), ends, or faults. All effects go through the run session, so they commit together.
/// </summary>
public sealed class Interpreter(IExpressionEvaluator expressions, TimeProvider clock)
{
    /// <summary>Steps one run may take without waiting: a loop of automated steps faults instead of spinning.</summary>
    public const int MaxStepsPerRun = 10_000;

    public async Task AdvanceAsync(InstanceState instance, ValueStreamDefinition definition, IRunSession session, string actor)
    {
        var graph = Graph.For(definition);
        var executed = 0;
        // One scope for the whole run: the evaluator keeps one sandbox in it for every step's JavaScript.
        using var scope = new ExpressionScope(instance.Variables, instance.Input, instance.Outputs);
        while (instance.Tokens.FirstOrDefault(t => t.WaitingFor is null && t.Fault is null) is { } token)
        {
            if (++executed > MaxStepsPerRun)
            {
                await FaultAsync(instance, session, token, $"the stream ran {MaxStepsPerRun:N0} steps without waiting; is there a loop without a task or timer?");
                break;
            }
            var step = definition.FindStep(token.StepId);
            if (step is null)
            {
                await FaultAsync(instance, session, token, $"step '{token.StepId}' does not exist in version {instance.Version}");
                break;
            }
            try
            {
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Entered, actor));
                await ExecuteAsync(instance, definition, graph, step, token, session, scope, actor);
            }
            catch (Exception ex) when (ex is ExpressionException or StepFailedException)
            {
                if (!await ScheduleRetryAsync(instance, step, token, session, ex.Message))
                    await FaultAsync(instance, session, token, GiveUp(step, token, ex.Message));
            }
        }
        await SettleAsync(instance, session);
    }

    /// <summary>Moves a waiting token on from its step by a port, as when its task completes or its timer fires.</summary>
    public async Task ResumeAsync(InstanceState instance, ValueStreamDefinition definition, Token token, string port, IRunSession session,
        string actor, string? outcome = null, string? detail = null)
    {
        token.WaitingFor = null;
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, token.StepId, JournalEntry.Completed, actor, outcome ?? port, detail));
        MoveOn(instance, Graph.For(definition), token, port);
    }

    /// <summary>
    /// After a failed attempt of a step whose retry policy has attempts left: counts the attempt and waits for the
    /// next one on a durable timer, as a timer step does. False (nothing changed) without a policy or attempts left.
    /// </summary>
    public async Task<bool> ScheduleRetryAsync(InstanceState instance, StepDefinition step, Token token, IRunSession session, string error)
    {
        if (RetryPolicy.Of(step) is not { } policy || token.Attempts + 1 >= policy.Attempts || !instance.Tokens.Contains(token))
            return false;
        token.Attempts++;
        var now = Now;
        var due = now + policy.WaitBefore(token.Attempts);
        var timer = await ScheduleTimerAsync(instance, token, step.Id, due, session);
        token.WaitingFor = new Bookmark(Bookmark.Retry, timer.Id);
        await session.AppendJournalAsync(new JournalEntry(instance.Id, now, step.Id, JournalEntry.RetryScheduled, "system", null,
            $"attempt {token.Attempts + 1} of {policy.Attempts} at {due.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}: {error}"));
        return true;
    }

    /// <summary>A token's retry timer has fired: the token is ready, so the next advance enters its step afresh.</summary>
    public async Task StartRetryAsync(InstanceState instance, ValueStreamDefinition definition, Token token, IRunSession session)
    {
        token.WaitingFor = null;
        var of = definition.FindStep(token.StepId) is { } step && RetryPolicy.Of(step) is { } policy ? $" of {policy.Attempts}" : "";
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, token.StepId, JournalEntry.RetryStarted, "system", null,
            $"attempt {token.Attempts + 1}{of}"));
    }

    /// <summary>Why a step that will not run again failed; under a retry policy, after how many attempts.</summary>
    public static string GiveUp(StepDefinition step, Token token, string error) =>
        RetryPolicy.Of(step) is null ? error : $"{error} (after {token.Attempts + 1} attempts)";

    private DateTimeOffset Now => clock.GetUtcNow();

    private async Task ExecuteAsync(InstanceState instance, ValueStreamDefinition definition, Graph graph, StepDefinition step, Token token,
        IRunSession session, ExpressionScope scope, string actor)
    {
        var p = step.Properties;
        switch (step.Type)
        {
            case "start":
            case "milestone":
                if (step.Type == "milestone")
                    await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.ValueRealised, actor, null, Text(p, "value")));
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;

            case "end":
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Completed, "system"));
                instance.Tokens.Remove(token);
                break;

            case "human-task":
                await CreateTaskAsync(instance, definition, step, token, session, scope);
                break;

            case "decision":
                var port = Text(p, "defaultPort")!;
                foreach (var condition in (p["conditions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (expressions.EvaluateCondition(Text(condition, "expression")!, scope))
                    {
                        port = Text(condition, "port")!;
                        break;
                    }
                }
                await CompleteAsync(instance, graph, step, token, session, port);
                break;

            case "fork":
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Completed, "system"));
                instance.Tokens.Remove(token);
                foreach (var branch in (p["branches"] as JsonArray ?? []).Select(b => b!.GetValue<string>()))
                    Follow(instance, graph, step.Id, branch, instance.NewToken);
                break;

            case "join":
                await JoinAsync(instance, graph, step, token, session);
                break;

            case "timer":
                var due = p["duration"] is JsonValue duration
                    ? Now + XmlConvert.ToTimeSpan(duration.GetValue<string>())
                    : ParseTime(expressions.EvaluateValue(Text(p, "until")!, scope));
                var timer = await ScheduleTimerAsync(instance, token, step.Id, due, session);
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.TimerScheduled, "system", null, due.ToString("O")));
                token.WaitingFor = new Bookmark(Bookmark.Timer, timer.Id);
                break;

            case "wait-event":
                var correlation = Text(p, "correlation") is { } expression
                    ? AsText(expressions.EvaluateValue(expression, scope))
                    : instance.CorrelationId ?? instance.Id;
                var subscription = new EventSubscription(NewId(), instance.Id, token.Id, step.Id, Text(p, "event")!, correlation);
                await session.SubscribeAsync(subscription);
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.EventAwaited, "system", null, $"{subscription.EventName} / {correlation}"));
                token.WaitingFor = new Bookmark(Bookmark.Event, subscription.Id);
                break;

            case "set-variables":
                foreach (var assignment in (p["assignments"] as JsonArray ?? []).OfType<JsonObject>())
                    instance.Variables[Text(assignment, "variable")!] = expressions.EvaluateValue(Text(assignment, "expression")!, scope);
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;

            case "script":
                expressions.RunScript(Text(p, "script")!, scope);
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;

            case "create-record":
            {
                var recordType = Text(p, "recordType")!;
                var id = await session.CreateRecordAsync(recordType, Fields(p["values"], scope), instance.Id);
                if (Text(p, "resultVariable") is { } variable)
                    instance.Variables[variable] = id;
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.RecordWritten, "system", "created", $"{recordType} {id}"));
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;
            }

            case "update-record":
            {
                var recordType = Text(p, "recordType")!;
                var id = AsText(expressions.EvaluateValue(Text(p, "record")!, scope));
                if (!await session.UpdateRecordAsync(recordType, id, Fields(p["values"], scope)))
                    throw new StepFailedException($"there is no {recordType} record '{id}' to update");
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.RecordWritten, "system", "updated", $"{recordType} {id}"));
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;
            }

            case "lookup-record":
            {
                var found = await session.LookupRecordAsync(Text(p, "recordType")!, Fields(p["filters"], scope));
                instance.Variables[Text(p, "resultVariable")!] = found;
                await CompleteAsync(instance, graph, step, token, session, found is null ? "not-found" : "found");
                break;
            }

            case "notify":
            {
                var message = new OutgoingMessage(NewId(), Text(p, "channel")!,
                    Text(p, "to") is { } recipients ? expressions.RenderTemplate(recipients, scope) : null,
                    Text(p, "subject") is { } subject ? expressions.RenderTemplate(subject, scope) : null,
                    expressions.RenderTemplate(Text(p, "body")!, scope),
                    Text(p, "url") is { } url ? expressions.RenderTemplate(url, scope) : null,
                    instance.Id, null, Now);
                await session.CreateMessageAsync(message);
                await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.DeliverMessage, OutboxJob.Target(instance.Id, message.Id), null));
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Notified, "system", message.Channel,
                    message.Channel == "email" ? $"to {message.Recipient}: {message.Subject}" : $"webhook {message.Url}"));
                await CompleteAsync(instance, graph, step, token, session, "done");
                break;
            }

            case "http-request":
                // The call happens outside the run's transaction, in a Hangfire job that resumes the token.
                token.WaitingFor = new Bookmark(Bookmark.Http, token.Id);
                await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.HttpRequest, OutboxJob.Target(instance.Id, token.Id), null));
                break;

            case "call-value-stream":
                await StartChildAsync(instance, graph, step, token, session, scope, actor);
                break;

            default:
                throw new StepFailedException($"step type '{step.Type}' cannot run");
        }
    }

    /// <summary>
    /// Creates the step's task: one for its group (or assignee); or, when the step sets <c>completion</c> and its
    /// roles belong to several groups, one per group, so the roles act together (the book's swarming and joint
    /// reviews): with "any" the first completion decides, with "all" everyone completes.
    /// </summary>
    private async Task CreateTaskAsync(InstanceState instance, ValueStreamDefinition definition, StepDefinition step, Token token,
        IRunSession session, ExpressionScope scope)
    {
        var p = step.Properties;
        var roleGroups = step.Roles
            .Select(roleId => definition.Roles.Find(r => r.Id == roleId)?.Group)
            .OfType<string>().Distinct().ToList();
        var together = Text(p, "completion") is not null && Text(p, "group") is null && Text(p, "assignee") is null && roleGroups.Count > 1;
        if (together)
        {
            foreach (var participantGroup in roleGroups)
                await CreateOneTaskAsync(instance, step, token, session, scope, participantGroup);
            token.WaitingFor = new Bookmark(Bookmark.Tasks, token.Id);
            return;
        }
        var task = await CreateOneTaskAsync(instance, step, token, session, scope, Text(p, "group") ?? roleGroups.FirstOrDefault());
        token.WaitingFor = new Bookmark(Bookmark.Task, task.Id);
    }

    private async Task<HumanTaskRecord> CreateOneTaskAsync(InstanceState instance, StepDefinition step, Token token, IRunSession session,
        ExpressionScope scope, string? group)
    {
        var p = step.Properties;
        var assignee = Text(p, "assignee") switch
        {
            "initiator" => instance.CreatedBy,
            { } rule when rule.StartsWith("user:", StringComparison.Ordinal) => rule["user:".Length..],
            { } rule when rule.StartsWith("variable:", StringComparison.Ordinal) => AsTextOrNull(instance.Variables[rule["variable:".Length..]]),
            _ => null,
        };
        // The task is due by its resolution target, or, where the step only sets one, by its response target.
        var sla = p["sla"] as JsonObject ?? [];
        var now = Now;
        var respondBy = Target(sla, "respondWithin", now);
        var resolveBy = Target(sla, "resolveWithin", now);
        var task = new HumanTaskRecord(NewId(), instance.Id, step.Id, token.Id, expressions.RenderTemplate(Text(p, "title") ?? step.Name, scope),
            group, assignee, p["priority"] is JsonValue priority ? priority.GetValue<int>() : null,
            (p["outcomes"] as JsonArray)?.DeepClone().AsArray() ?? [], (p["form"] as JsonArray)?.DeepClone().AsArray() ?? [],
            resolveBy ?? respondBy, now, Text(p, "completion") ?? "any", respondBy, resolveBy, Text(sla, "escalateTo"));
        await session.CreateTaskAsync(task);
        // Each target is checked when it falls due, by a scheduler job written with the task.
        foreach (var target in new[] { respondBy, resolveBy }.OfType<DateTimeOffset>().Distinct())
            await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.CheckServiceLevel, OutboxJob.Target(instance.Id, task.Id), target));
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.TaskCreated, "system", null, group is null ? task.Id : $"{task.Id} for {group}"));
        return task;
    }

    private async Task JoinAsync(InstanceState instance, Graph graph, StepDefinition step, Token token, IRunSession session)
    {
        var inbound = graph.InboundCount(step.Id);
        var arrivals = instance.JoinArrivals.GetValueOrDefault(step.Id) + 1;
        var needed = Text(step.Properties, "mode") switch
        {
            "any" => 1,
            "n-of-m" => step.Properties["count"]!.GetValue<int>(),
            _ => inbound,
        };
        instance.JoinArrivals[step.Id] = arrivals >= inbound ? 0 : arrivals;
        if (arrivals == needed)
        {
            await CompleteAsync(instance, graph, step, token, session, "done");
        }
        else
        {
            // This branch is absorbed: the join goes on once, when enough branches have arrived.
            await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, "branch-joined", "system", null, $"{arrivals} of {inbound}"));
            instance.Tokens.Remove(token);
        }
    }

    private async Task StartChildAsync(InstanceState instance, Graph graph, StepDefinition step, Token token, IRunSession session, ExpressionScope scope, string actor)
    {
        var p = step.Properties;
        var childStream = Text(p, "valueStream")!;
        var version = await session.PublishedVersionAsync(childStream)
            ?? throw new StepFailedException($"value stream '{childStream}' has no published version to start");
        var wait = Text(p, "mode") == "wait";
        var input = new JsonObject();
        foreach (var assignment in (p["input"] as JsonArray ?? []).OfType<JsonObject>())
            input[Text(assignment, "variable")!] = expressions.EvaluateValue(Text(assignment, "expression")!, scope);

        var childDefinition = await session.LoadDefinitionAsync(childStream, version)
            ?? throw new StepFailedException($"value stream '{childStream}' version {version} was not found");
        var child = NewInstance(childDefinition, version, input, instance.CorrelationId, actor, Now);
        child.NewToken(childDefinition.Steps.Single(s => s.Type == "start").Id);
        if (wait)
        {
            child.ParentInstanceId = instance.Id;
            child.ParentTokenId = token.Id;
        }
        await session.InsertInstanceAsync(child);
        await session.AppendJournalAsync(new JournalEntry(child.Id, Now, null, JournalEntry.Started, actor, null, $"child of {instance.Id}"));
        await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.Continue, child.Id, null));
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.ChildStarted, actor, Text(p, "mode"), $"{childStream} {child.Id}"));
        if (wait)
            token.WaitingFor = new Bookmark(Bookmark.Child, child.Id);
        else
            await CompleteAsync(instance, graph, step, token, session, "done");
    }

    /// <summary>A new instance of a definition's version: declared defaults, then the input over them; no tokens yet.</summary>
    public static InstanceState NewInstance(ValueStreamDefinition definition, int version, JsonNode? input, string? correlationId, string createdBy, DateTimeOffset now)
    {
        var valueStreamId = definition.Id;
        var instance = new InstanceState
        {
            Id = NewId(),
            ValueStreamId = valueStreamId,
            Version = version,
            Input = input?.DeepClone(),
            CorrelationId = correlationId,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var variable in definition.Variables)
            instance.Variables[variable.Name] = variable.Default?.DeepClone();
        if (input is JsonObject fields)
            foreach (var (name, value) in fields)
                instance.Variables[name] = value?.DeepClone();
        return instance;
    }

    private async Task CompleteAsync(InstanceState instance, Graph graph, StepDefinition step, Token token, IRunSession session, string port)
    {
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Completed, "system", port));
        MoveOn(instance, graph, token, port);
    }

    private static void MoveOn(InstanceState instance, Graph graph, Token token, string port)
    {
        instance.Tokens.Remove(token);
        Follow(instance, graph, token.StepId, port, instance.NewToken);
    }

    private static void Follow(InstanceState instance, Graph graph, string stepId, string port, Func<string, Token> newToken)
    {
        var target = graph.Target(stepId, port)
            ?? throw new StepFailedException($"step '{stepId}' has nothing connected to its port '{port}'");
        newToken(target);
    }

    /// <summary>A durable timer for a token: its row, and the scheduler job that fires it when due.</summary>
    private static async Task<TimerRecord> ScheduleTimerAsync(InstanceState instance, Token token, string stepId, DateTimeOffset due, IRunSession session)
    {
        var timer = new TimerRecord(NewId(), instance.Id, token.Id, stepId, due);
        await session.CreateTimerAsync(timer);
        await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.FireTimer, OutboxJob.Target(instance.Id, timer.Id), due));
        return timer;
    }

    private async Task FaultAsync(InstanceState instance, IRunSession session, Token token, string message)
    {
        token.Fault = message;
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, token.StepId, JournalEntry.Faulted, "system", null, message));
    }

    /// <summary>Sets the status from the tokens: completed when none are left, faulted, or waiting.</summary>
    private async Task SettleAsync(InstanceState instance, IRunSession session)
    {
        if (instance.Status is InstanceStatus.Cancelled or InstanceStatus.Suspended)
            return;
        var previous = instance.Status;
        if (instance.Tokens.Count == 0)
        {
            instance.Status = InstanceStatus.Completed;
            instance.CompletedAt = Now;
            if (previous != InstanceStatus.Completed)
            {
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, null, JournalEntry.InstanceCompleted, "system"));
                if (instance.ParentInstanceId is not null)
                    await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.ResumeParent, instance.Id, null));
            }
        }
        else if (instance.Tokens.Any(t => t.Fault is not null))
        {
            instance.Status = InstanceStatus.Faulted;
            if (previous != InstanceStatus.Faulted)
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, null, JournalEntry.InstanceFaulted, "system", null,
                    instance.Tokens.First(t => t.Fault is not null).Fault));
        }
        else
        {
            instance.Status = InstanceStatus.Waiting;
        }
        instance.UpdatedAt = Now;
    }

    private JsonObject Fields(JsonNode? list, ExpressionScope scope)
    {
        var fields = new JsonObject();
        foreach (var item in (list as JsonArray ?? []).OfType<JsonObject>())
            fields[Text(item, "field")!] = expressions.EvaluateValue(Text(item, "expression")!, scope);
        return fields;
    }

    private static DateTimeOffset? Target(JsonObject sla, string name, DateTimeOffset from) =>
        sla[name] is JsonValue within ? from + XmlConvert.ToTimeSpan(within.GetValue<string>()) : null;

    private static DateTimeOffset ParseTime(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new StepFailedException($"the timer's 'until' gave {value?.ToJsonString() ?? "null"}, not a date-time");

    private static string AsText(JsonNode? value) =>
        AsTextOrNull(value) ?? throw new StepFailedException("the expression gave no value where an id was needed");

    private static string? AsTextOrNull(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };

    private static string? Text(JsonObject properties, string name) =>
        properties[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    internal static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>A step could not do its work (a record that does not exist, a child stream that is not published…).</summary>
public sealed class StepFailedException(string message) : Exception(message);
