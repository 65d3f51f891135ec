namespace ValueStreams.Engine.Steps;

/// <summary>Sets variables from expressions, in order (a later one sees the earlier ones).</summary>
internal sealed class SetVariablesBehaviour : IStepBehaviour
{
    public string Type => "set-variables";

    public async Task RunAsync(StepRun run)
    {
        foreach (var (variable, expression) in StepProperties.Pairs(run.Properties, "assignments", "variable"))
            run.Instance.Variables[variable] = run.Expressions.EvaluateValue(expression, run.Scope);
        await run.LeaveAsync("done");
    }
}
