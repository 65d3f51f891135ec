using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Starts a token on every branch. The branch tokens carry this visit of the fork (its activation), so the join
/// paired with the fork knows which tokens can still arrive.
/// </summary>
internal sealed class ForkBehaviour : IStepBehaviour
{
    public string Type => "fork";

    public async Task RunAsync(StepRun run)
    {
        var branches = StepProperties.Strings(run.Properties, "branches");
        await run.JournalAsync(JournalEntry.Completed);
        run.EndPath();
        var activation = ForkActivation.New(run.Step.Id, run.Instance.NextForkNumber++);
        foreach (var branch in branches)
            TokenFlow.Follow(run.Instance, run.Graph, run.Step.Id, branch, [.. run.Token.Branches, activation]);
    }
}

/// <summary>One visit of a fork: <c>fork-id#n</c>, the n-th fork visit of the instance.</summary>
internal static class ForkActivation
{
    public static string New(string forkId, int number) => $"{forkId}#{number}";

    public static bool IsOf(string activation, string forkId) =>
        activation.Length > forkId.Length && activation[forkId.Length] == '#' && activation.StartsWith(forkId, StringComparison.Ordinal);
}
