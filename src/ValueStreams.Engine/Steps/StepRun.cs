using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// One token entering one step, as a behaviour sees it: the instance, the step and its token, the run's session and
/// expression scope, and the moves a step can make (leave by a port, wait, end its path). Everything goes through
/// the session, so it commits with the rest of the run.
/// </summary>
public sealed class StepRun
{
    private readonly TimeProvider _clock;

    internal StepRun(InstanceState instance, ValueStreamDefinition definition, Graph graph, StepDefinition step, Token token,
        IRunSession session, ExpressionScope scope, string actor, IExpressionEvaluator expressions, TimeProvider clock, EngineOptions options,
        IServiceLevelPolicies serviceLevels)
    {
        ServiceLevels = serviceLevels;
        Instance = instance;
        Definition = definition;
        Graph = graph;
        Step = step;
        Token = token;
        Session = session;
        Scope = scope;
        Actor = actor;
        Expressions = expressions;
        Options = options;
        _clock = clock;
    }

    public InstanceState Instance { get; }
    public ValueStreamDefinition Definition { get; }
    internal Graph Graph { get; }
    public StepDefinition Step { get; }
    public Token Token { get; }
    public IRunSession Session { get; }
    public ExpressionScope Scope { get; }
    public string Actor { get; }
    public IExpressionEvaluator Expressions { get; }
    public EngineOptions Options { get; }

    /// <summary>The service level policies a task's step may name.</summary>
    public IServiceLevelPolicies ServiceLevels { get; }
    public DateTimeOffset Now => _clock.GetUtcNow();
    public JsonObject Properties => Step.Properties;

    public Task JournalAsync(string @event, string? outcome = null, string? detail = null, string actor = WorkflowEngine.System) =>
        Session.AppendJournalAsync(new JournalEntry(Instance.Id, Now, Step.Id, @event, actor, outcome, detail));

    /// <summary>The step is done: journal it and move the token on by the port.</summary>
    public async Task LeaveAsync(string port)
    {
        await JournalAsync(JournalEntry.Completed, port);
        TokenFlow.MoveOn(Instance, Graph, Token, port);
    }

    /// <summary>The token waits here until the bookmark is resumed.</summary>
    public void Wait(Bookmark bookmark) => Token.WaitingFor = bookmark;

    /// <summary>The token's path ends here.</summary>
    public void EndPath() => Instance.Tokens.Remove(Token);

    public Task EnqueueAsync(string kind, string target, DateTimeOffset? due = null) =>
        Session.EnqueueAsync(new OutboxJob(Interpreter.NewId(), kind, target, due));

    /// <summary>Longest deadline a timeout expression may give (ten years), so a due time always exists.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(3650);

    /// <summary>
    /// The step's deadline: its <c>timeout</c>, or what its <c>timeoutExpression</c> gives now; null without either.
    /// An expression that gives anything but a positive ISO 8601 duration fails the step, saying what it gave.
    /// </summary>
    public TimeSpan? ReadTimeout()
    {
        if (StepProperties.Duration(Properties, "timeout") is { } timeout)
            return timeout;
        if (StepProperties.Text(Properties, "timeoutExpression") is not { } expression)
            return null;
        var value = Expressions.EvaluateValue(expression, Scope);
        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            try
            {
                var duration = System.Xml.XmlConvert.ToTimeSpan(text);
                if (duration > TimeSpan.Zero && duration <= MaxTimeout)
                    return duration;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
            }
        }
        var shown = value?.ToJsonString() ?? "null";
        throw new StepFailedException(
            $"the timeoutExpression of step '{Step.Id}' gave {(shown.Length > 80 ? shown[..80] + "…" : shown)}; it must give an ISO 8601 duration between PT1S and P3650D, such as 'PT8H' or 'P3D'");
    }

    /// <summary>With a deadline (see <see cref="ReadTimeout"/>), a timer for it: when it fires first, the step leaves by <c>timeout</c>.</summary>
    public async Task SetDeadlineAsync(TimeSpan? deadline)
    {
        if (deadline is not { } timeout)
            return;
        var due = Now + timeout;
        var timer = await ScheduleTimerAsync(due);
        Token.Deadline = timer.Id;
        await JournalAsync(JournalEntry.TimerScheduled, "timeout", due.ToString("O"));
    }

    /// <summary>A durable timer for this token: its row, and the scheduler job that fires it when due.</summary>
    public Task<DurableTimer> ScheduleTimerAsync(DateTimeOffset due) => TokenFlow.ScheduleTimerAsync(Instance, Token, Step.Id, due, Session);
}
