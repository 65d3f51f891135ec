namespace ValueStreams.Engine.Steps;

/// <summary>Runs sandboxed JavaScript; what it writes to <c>vars</c> lands in the instance's variables.</summary>
internal sealed class ScriptBehaviour : IStepBehaviour
{
    public string Type => "script";

    public async Task RunAsync(StepRun run)
    {
        run.Expressions.RunScript(StepProperties.RequiredText(run.Properties, "script"), run.Scope);
        await run.LeaveAsync("done");
    }
}
