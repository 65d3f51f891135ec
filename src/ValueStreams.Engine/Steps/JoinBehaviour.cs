using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Waits for the branches of the fork it is paired with, counted per visit of that fork: a token arriving here
/// is absorbed until enough have arrived (all that can still arrive, any one, or n). With <c>first</c>, the first
/// branch to arrive goes on and the others are withdrawn at once with whatever they left waiting (tasks, timers,
/// event subscriptions, children), so nothing of them can arrive later. The join never counts
/// connections, so two outcomes of one task wired into it are still one branch, and a branch that ended
/// elsewhere is not waited for.
/// </summary>
internal sealed class JoinBehaviour : IStepBehaviour
{
    public string Type => "join";

    public const string BranchJoined = "branch-joined";

    /// <summary>A branch a first-wins join no longer waits for was withdrawn; the detail says what it left waiting was cancelled.</summary>
    public const string BranchCancelled = "branch-cancelled";

    public const string First = "first";

    private sealed record Properties(string Mode, int? Count)
    {
        public static Properties Of(StepDefinition step) =>
            new(StepProperties.Text(step.Properties, "mode") ?? "all", StepProperties.Integer(step.Properties, "count"));

        /// <summary>Arrivals that let the join go on; null for "all", which goes on once nothing else can arrive.</summary>
        public int? Needed => Mode switch { "any" or First => 1, "n-of-m" => Count ?? 1, _ => null };
    }

    public async Task RunAsync(StepRun run)
    {
        var fork = run.Graph.ForkOf(run.Step.Id)
            ?? throw new StepFailedException($"join '{run.Step.Id}' is not paired with a fork, so it cannot tell which branches to wait for");
        var at = run.Token.Branches.FindLastIndex(b => ForkActivation.IsOf(b, fork));
        if (at < 0)
            throw new StepFailedException($"join '{run.Step.Id}' was reached by a path that did not come from its fork '{fork}'");
        var activation = run.Token.Branches[at];
        var instance = run.Instance;
        if (!instance.Joins.TryGetValue(activation, out var wait))
            instance.Joins[activation] = wait = new JoinWait { StepId = run.Step.Id, Branches = run.Token.Branches[..at] };
        wait.Arrived++;
        run.EndPath();
        var stillComing = StillComing(instance, activation);
        if (wait.Released)
        {
            await run.JournalAsync(BranchJoined, detail: $"branch {wait.Arrived} arrived after the join went on");
            if (stillComing == 0)
                instance.Joins.Remove(activation);
            return;
        }
        if (wait.Arrived >= (Properties.Of(run.Step).Needed ?? int.MaxValue) || stillComing == 0)
        {
            if (Properties.Of(run.Step).Mode == First && stillComing > 0)
            {
                await WithdrawOtherBranchesAsync(run, activation);
                stillComing = 0;
            }
            await SettleAsync(run.Instance, run.Definition, run.Graph, activation, wait, stillComing, run.Session, run.Now);
            return;
        }
        await run.JournalAsync(BranchJoined, detail: $"{wait.Arrived} of {wait.Arrived + stillComing}");
    }

    /// <summary>
    /// Joins still waiting for branches that can no longer arrive (they ended, or were cancelled) go on, or fault
    /// when too few arrived; joins that went on and expect nothing more are forgotten. True when a token was made.
    /// </summary>
    public static async Task<bool> SettleStalledAsync(InstanceState instance, ValueStreamDefinition definition, Graph graph, IRunSession session, DateTimeOffset now)
    {
        var moved = false;
        foreach (var (activation, wait) in instance.Joins.ToList())
        {
            if (StillComing(instance, activation) > 0)
                continue;
            if (!wait.Released)
            {
                await SettleAsync(instance, definition, graph, activation, wait, 0, session, now);
                moved = true;
            }
            instance.Joins.Remove(activation);
        }
        return moved;
    }

    private static async Task SettleAsync(InstanceState instance, ValueStreamDefinition definition, Graph graph, string activation, JoinWait wait,
        int stillComing, IRunSession session, DateTimeOffset now)
    {
        var step = definition.FindStep(wait.StepId)!;
        var needed = Properties.Of(step).Needed;
        if (needed is { } n && wait.Arrived < n)
        {
            // Nothing else can arrive: the run cannot go on, and says why at the join.
            var message = $"join '{step.Id}' needs {n} branches, but only {wait.Arrived} arrived and no other can";
            var stuck = instance.NewToken(step.Id);
            stuck.Branches = [.. wait.Branches];
            stuck.Fault = message;
            await session.AppendJournalAsync(new JournalEntry(instance.Id, now, step.Id, JournalEntry.Faulted, WorkflowEngine.System, null, message));
            instance.Joins.Remove(activation);
            return;
        }
        wait.Released = true;
        await session.AppendJournalAsync(new JournalEntry(instance.Id, now, step.Id, JournalEntry.Completed, WorkflowEngine.System, "done",
            $"{wait.Arrived} branch(es) arrived"));
        TokenFlow.Follow(instance, graph, step.Id, "done", wait.Branches);
        if (stillComing == 0)
            instance.Joins.Remove(activation);
    }

    /// <summary>
    /// The first branch arrived at a first-wins join: every other token of the fork visit (nested forks' included)
    /// is withdrawn with what it waited for, and the joins of forks inside the visit are forgotten.
    /// </summary>
    private static async Task WithdrawOtherBranchesAsync(StepRun run, string activation)
    {
        var instance = run.Instance;
        var because = $"another branch reached the first-wins join '{run.Step.Id}' first";
        foreach (var other in instance.Tokens.Where(t => t.Branches.Contains(activation)).ToList())
        {
            var withdrawn = await Withdrawal.WithdrawTokenAsync(instance, other, run.Session, run.Now, run.Actor, because);
            await run.JournalAsync(BranchCancelled, detail: withdrawn);
        }
        foreach (var (nested, wait) in instance.Joins.ToList())
            if (nested != activation && wait.Branches.Contains(activation))
                instance.Joins.Remove(nested);
    }

    /// <summary>Tokens of the instance inside this fork visit: they may still reach its join.</summary>
    private static int StillComing(InstanceState instance, string activation) =>
        instance.Tokens.Count(t => t.Branches.Contains(activation));
}
