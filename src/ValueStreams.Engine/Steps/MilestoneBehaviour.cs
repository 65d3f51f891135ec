using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Journals the value realised, in the consumer's words, and goes on.</summary>
internal sealed class MilestoneBehaviour : IStepBehaviour
{
    public string Type => "milestone";

    public async Task RunAsync(StepRun run)
    {
        await run.JournalAsync(JournalEntry.ValueRealised, detail: StepProperties.Text(run.Properties, "value"), actor: run.Actor);
        await run.LeaveAsync("done");
    }
}
