using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Ends the token's path; the instance completes when every path has ended.</summary>
internal sealed class EndBehaviour : IStepBehaviour
{
    public string Type => "end";

    public async Task RunAsync(StepRun run)
    {
        await run.JournalAsync(JournalEntry.Completed);
        run.EndPath();
    }
}
