namespace ValueStreams.Engine.Steps;

/// <summary>The demand is accepted: the token leaves by <c>done</c>.</summary>
internal sealed class StartBehaviour : IStepBehaviour
{
    public string Type => "start";

    public Task RunAsync(StepRun run) => run.LeaveAsync("done");
}
