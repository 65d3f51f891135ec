using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Runs sandboxed JavaScript; what it writes to <c>vars</c> lands in the instance's variables. By default the token
/// waits here and the script runs after the run commits, outside the store's write transaction
/// (<see cref="WorkflowEngine.RunScriptsAsync"/>), so a slow script holds up only its own instance.
/// </summary>
internal sealed class ScriptBehaviour : IStepBehaviour
{
    public string Type => "script";

    public async Task RunAsync(StepRun run)
    {
        var script = StepProperties.RequiredText(run.Properties, "script");
        if (run.Options.ScriptsOutsideTransaction)
        {
            run.Wait(new Bookmark(Bookmark.Script, run.Token.Id));
            // Normally the caller runs the script right after commit; this job does it if the process stopped first.
            await run.EnqueueAsync(OutboxJob.RunScript, OutboxJob.Target(run.Instance.Id, run.Token.Id), run.Now + run.Options.ScriptRecoveryDelay);
            return;
        }
        run.Expressions.RunScript(script, run.Scope);
        await run.LeaveAsync("done");
    }

    /// <summary>The script of a script step.</summary>
    public static string ScriptOf(Core.Definitions.StepDefinition step) => StepProperties.RequiredText(step.Properties, "script");
}
