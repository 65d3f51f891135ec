using ValueStreams.Core.Definitions;
using ValueStreams.Designer.Designer;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Designer.Instances;

/// <summary>Where a step stands in one instance.</summary>
public enum StepRun
{
    /// <summary>Not entered yet, and still reachable from where the instance stands.</summary>
    NotReached,
    Completed,
    Active,
    Faulted,

    /// <summary>Never entered, and no longer reachable: a branch not taken, or the instance has finished.</summary>
    Skipped,

    /// <summary>Entered but never finished, and nothing stands there now: the instance was cancelled while it waited there.</summary>
    Stopped,
}

/// <summary>
/// An instance's run drawn on its stream: each step's state (from its tokens and its journal's tallies) and how many
/// times each connection was taken (a step completed through its port).
/// </summary>
public sealed record RunMarks(IReadOnlyDictionary<string, StepRun> Steps, IReadOnlyDictionary<ConnectionKey, int> Taken)
{
    public static RunMarks Of(ValueStreamDefinition definition, string status, IReadOnlyList<InstanceTokenView> tokens,
        IReadOnlyList<InstanceStepTally> tallies)
    {
        var entered = StepsWith(tallies, JournalEntry.Entered, JournalEntry.Completed, JournalEntry.Faulted, JournalEntry.TimedOut);
        var finished = StepsWith(tallies, JournalEntry.Completed, JournalEntry.TimedOut);
        var ports = tallies.Where(t => t is { Event: JournalEntry.Completed, Outcome: not null })
            .GroupBy(t => (Step: t.StepId, Port: t.Outcome!))
            .ToDictionary(g => g.Key, g => g.Sum(t => t.Count));

        var reachable = InstanceStatus.IsFinished(status) ? [] : Reachable(definition, tokens.Select(t => t.StepId));
        var steps = new Dictionary<string, StepRun>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            var here = tokens.Where(t => t.StepId == step.Id).ToList();
            steps[step.Id] =
                here.Any(t => t.Fault is not null) ? StepRun.Faulted
                : here.Count > 0 ? StepRun.Active
                : finished.Contains(step.Id) ? StepRun.Completed
                : entered.Contains(step.Id) ? StepRun.Stopped
                : reachable.Contains(step.Id) ? StepRun.NotReached
                : StepRun.Skipped;
        }

        var taken = new Dictionary<ConnectionKey, int>();
        foreach (var connection in definition.Connections)
            if (ports.TryGetValue((connection.From, connection.Port), out var count))
                taken[ConnectionKey.Of(connection)] = count;
        return new RunMarks(steps, taken);
    }

    /// <summary>A designer's test run: its tokens' steps and its journal counted per step, event and outcome.</summary>
    public static RunMarks Of(ValueStreamDefinition definition, TestRunStatus run) =>
        Of(definition, run.Status,
            run.ActiveSteps.Select((s, i) => new InstanceTokenView(i.ToString(System.Globalization.CultureInfo.InvariantCulture), s.StepId, s.WaitingFor, s.Fault)).ToList(),
            run.Journal.Where(j => j.StepId is not null)
                .GroupBy(j => (Step: j.StepId!, j.Event, j.Outcome))
                .Select(g => new InstanceStepTally(g.Key.Step, g.Key.Event, g.Key.Outcome, g.Count()))
                .ToList());

    /// <summary>The marks the canvas draws: every step the run has reached or passed by (a step not reached yet keeps its plain look).</summary>
    public IReadOnlyDictionary<string, RunBadge> Badges() =>
        Steps.Where(s => s.Value != StepRun.NotReached)
            .ToDictionary(s => s.Key, s => new RunBadge(Css(s.Value), Label(s.Value), Symbol(s.Value)), StringComparer.Ordinal);

    /// <summary>The state's name in the page's CSS and data-run attributes.</summary>
    public static string Css(StepRun run) => run == StepRun.NotReached ? "not-reached" : run.ToString().ToLowerInvariant();

    private static HashSet<string> StepsWith(IReadOnlyList<InstanceStepTally> tallies, params string[] events) =>
        tallies.Where(t => events.Contains(t.Event)).Select(t => t.StepId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The steps a token can still get to by following connections.</summary>
    private static HashSet<string> Reachable(ValueStreamDefinition definition, IEnumerable<string> from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Queue<string>(from);
        while (next.TryDequeue(out var step))
            if (seen.Add(step))
                foreach (var connection in definition.Connections.Where(c => c.From == step))
                    next.Enqueue(connection.To);
        return seen;
    }

    /// <summary>What a state is called on the page and in the legend (the mark is never colour alone).</summary>
    public static string Label(StepRun run) => run switch
    {
        StepRun.Completed => "Completed",
        StepRun.Active => "Active",
        StepRun.Faulted => "Faulted",
        StepRun.Skipped => "Skipped",
        StepRun.Stopped => "Stopped",
        _ => "Not reached yet",
    };

    /// <summary>A symbol beside the name, so the mark reads without its colour.</summary>
    public static string Symbol(StepRun run) => run switch
    {
        StepRun.Completed => "✓",
        StepRun.Active => "▶",
        StepRun.Faulted => "✕",
        StepRun.Skipped => "–",
        StepRun.Stopped => "■",
        _ => "○",
    };
}
