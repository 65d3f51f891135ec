namespace ValueStreams.Engine.Steps;

/// <summary>Leaves by the port of the first condition that holds, else by the default port.</summary>
internal sealed class DecisionBehaviour : IStepBehaviour
{
    public string Type => "decision";

    private sealed record Properties(IReadOnlyList<(string Port, string Expression)> Conditions, string DefaultPort);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.Pairs(run.Properties, "conditions", "port"), StepProperties.RequiredText(run.Properties, "defaultPort"));
        var port = p.Conditions.FirstOrDefault(c => run.Expressions.EvaluateCondition(c.Expression, run.Scope)).Port ?? p.DefaultPort;
        await run.LeaveAsync(port);
    }
}
