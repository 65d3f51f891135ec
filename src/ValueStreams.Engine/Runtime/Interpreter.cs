using System.Globalization;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Steps;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Moves an instance's ready tokens through the graph until each one waits (task, timer, event, child,
/// HTTP call), ends, or faults. What a step does is its type's behaviour (<see cref="StepBehaviours"/>); the
/// interpreter keeps the token loop, retries and faults. All effects go through the run session, so they commit together.
/// </summary>
public sealed class Interpreter(IExpressionEvaluator expressions, TimeProvider clock, EngineOptions? options = null,
    IServiceLevelPolicies? serviceLevels = null)
{
    private readonly IServiceLevelPolicies _serviceLevels = serviceLevels ?? ShippedServiceLevelPolicies.Instance;

    /// <summary>The evaluator the steps' expressions run on (also for conditions checked before an instance exists).</summary>
    public IExpressionEvaluator Expressions => expressions;

    private readonly EngineOptions _options = options ?? new EngineOptions();

    /// <summary>The engine's settings, as the steps see them.</summary>
    public EngineOptions Options => _options;

    /// <summary>Steps one run may take without waiting: a loop of automated steps faults instead of spinning.</summary>
    public const int MaxStepsPerRun = 10_000;

    public async Task AdvanceAsync(InstanceState instance, ValueStreamDefinition definition, IRunSession session, string actor)
    {
        var graph = Graph.For(definition);
        var executed = 0;
        // One scope for the whole run: the evaluator keeps one sandbox in it for every step's JavaScript.
        using var scope = new ExpressionScope(instance.Variables, instance.Input, instance.Outputs);
        while (true)
        {
            if (instance.Tokens.FirstOrDefault(t => t.WaitingFor is null && t.Fault is null) is not { } token)
            {
                // Nothing is ready: a join whose other branches can no longer arrive goes on (or faults) now.
                if (await JoinBehaviour.SettleStalledAsync(instance, definition, graph, session, Now))
                    continue;
                break;
            }
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
                // A for-each step that goes on with its next item (or leaves) was entered once, when its token arrived.
                if (token.ForEach is null)
                    await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Entered, actor));
                var behaviour = StepBehaviours.For(step.Type) ?? throw new StepFailedException($"step type '{step.Type}' cannot run");
                await behaviour.RunAsync(new StepRun(instance, definition, graph, step, token, session, scope, actor, expressions, clock, _options, _serviceLevels));
            }
            catch (Exception ex) when (ex is ExpressionException or StepFailedException or RecordRefusedException)
            {
                await FailStepAsync(instance, graph, step, token, session, ex.Message);
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
        TokenFlow.MoveOn(instance, Graph.For(definition), token, port);
    }

    /// <summary>
    /// A step failed: it runs again under its retry policy while attempts are left; after that it leaves by its
    /// <c>error</c> port when one is connected, with <c>outputs[step].error</c> = <c>{message, attempts}</c>;
    /// without one, the token faults and with it the instance.
    /// </summary>
    private async Task FailStepAsync(InstanceState instance, Graph graph, StepDefinition step, Token token, IRunSession session, string error)
    {
        if (await ScheduleRetryAsync(instance, step, token, session, error))
            return;
        var message = GiveUp(step, token, error);
        if (graph.Target(step.Id, ErrorPort) is null)
        {
            await FaultAsync(instance, session, token, message);
            return;
        }
        var outputs = instance.Outputs[step.Id] as JsonObject ?? [];
        outputs["error"] = new JsonObject { ["message"] = error, ["attempts"] = token.Attempts + 1 };
        instance.Outputs[step.Id] = outputs;
        await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, step.Id, JournalEntry.Completed, "system", ErrorPort, message));
        TokenFlow.MoveOn(instance, graph, token, ErrorPort);
    }

    /// <summary>A step that was waiting (for a child) failed: as when a step fails while it runs.</summary>
    public Task FailWaitingStepAsync(InstanceState instance, ValueStreamDefinition definition, Token token, IRunSession session, string error)
    {
        token.WaitingFor = null;
        return FailStepAsync(instance, Graph.For(definition), definition.FindStep(token.StepId)!, token, session, error);
    }

    /// <summary>The optional port a failing step leaves by, once its retries are spent.</summary>
    public const string ErrorPort = "error";

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
        var timer = await TokenFlow.ScheduleTimerAsync(instance, token, step.Id, due, session);
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

    /// <summary>
    /// Runs the script of the step a token waits at (<see cref="Bookmark.Script"/>) on a copy of the instance's
    /// variables. Touches no store, so it runs with no transaction open.
    /// </summary>
    public ScriptResult EvaluateScript(InstanceState snapshot, ValueStreamDefinition definition, Token token)
    {
        if (definition.FindStep(token.StepId) is not { } step)
            return new ScriptResult(null, $"step '{token.StepId}' does not exist in version {snapshot.Version}");
        var variables = (JsonObject)snapshot.Variables.DeepClone();
        using var scope = new ExpressionScope(variables, snapshot.Input, snapshot.Outputs);
        try
        {
            expressions.RunScript(ScriptBehaviour.ScriptOf(step), scope);
            return new ScriptResult(variables, null);
        }
        catch (Exception ex) when (ex is ExpressionException or StepFailedException)
        {
            return new ScriptResult(null, ex.Message);
        }
    }

    /// <summary>
    /// Applies what a script gave to the token that waits at its step: its variables become the instance's and the
    /// token leaves by <c>done</c>; or the step failed (a retry, its error port, or a fault), as if it had failed while it ran.
    /// </summary>
    public async Task ApplyScriptAsync(InstanceState instance, ValueStreamDefinition definition, Token token, ScriptResult result, IRunSession session)
    {
        if (definition.FindStep(token.StepId) is null)
        {
            await FaultWaitingAsync(instance, token, session, result.Error ?? $"step '{token.StepId}' does not exist in version {instance.Version}");
            return;
        }
        if (result.Variables is null)
        {
            await FailWaitingStepAsync(instance, definition, token, session, result.Error ?? "the script gave no variables");
            return;
        }
        instance.Variables.Clear();
        foreach (var (name, value) in result.Variables.ToList())
        {
            result.Variables.Remove(name);
            instance.Variables[name] = value;
        }
        await ResumeAsync(instance, definition, token, "done", session, "system");
    }

    /// <summary>A waiting token faults at its step (a loop of scripts that never waits).</summary>
    public Task FaultWaitingAsync(InstanceState instance, Token token, IRunSession session, string message)
    {
        token.WaitingFor = null;
        return FaultAsync(instance, session, token, message);
    }

    /// <summary>Why a step that will not run again failed; under a retry policy, after how many attempts.</summary>
    public static string GiveUp(StepDefinition step, Token token, string error) =>
        RetryPolicy.Of(step) is null ? error : $"{error} (after {token.Attempts + 1} attempts)";

    private DateTimeOffset Now => clock.GetUtcNow();

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
            {
                await session.AppendJournalAsync(new JournalEntry(instance.Id, Now, null, JournalEntry.InstanceFaulted, "system", null,
                    instance.Tokens.First(t => t.Fault is not null).Fault));
                // A parent waiting for this child hears of the fault at its call step.
                if (instance.ParentInstanceId is not null)
                    await session.EnqueueAsync(new OutboxJob(NewId(), OutboxJob.ResumeParent, instance.Id, null));
            }
        }
        else
        {
            instance.Status = InstanceStatus.Waiting;
        }
        instance.UpdatedAt = Now;
    }

    internal static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>What a script step's script gave: the variables after it, or why it failed.</summary>
public sealed record ScriptResult(JsonObject? Variables, string? Error);

/// <summary>A step could not do its work (a record that does not exist, a child stream that is not published…).</summary>
public sealed class StepFailedException(string message) : Exception(message);
