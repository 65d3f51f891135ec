namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Starts another value stream, and waits for it or not.</summary>
public sealed class CallValueStreamStep : StepType
{
    /// <summary>The property mapping the called stream's declared outputs to variables of the caller.</summary>
    public const string OutputMapping = "output";

    public override StepTypeDescriptor Descriptor { get; } = new(
        "call-value-stream", "Call value stream", "Flow", "Starts another value stream as a child instance.",
        StepKind.Activity, Automated: true,
        [
            new("valueStream", InputKind.String, "Id of the value stream to start", Required: true),
            new("mode", InputKind.Enum, "Wait for the child to end, or go on at once", Required: true, Options: ["wait", "fire-and-forget"]),
            Inputs.Assignments("input", "Input of the child instance", required: false),
            new(OutputMapping, InputKind.ObjectList, "When the child completes (wait mode), its declared outputs copied into variables of this stream", Fields:
            [
                new("output", InputKind.String, "Output the called stream declares", Required: true),
                new("variable", InputKind.String, "Variable of this stream that receives it", Required: true),
            ]),
            Inputs.ForEach("child", "each {item, instance, outputs}"),
            Inputs.Retry,
        ],
        [new("done", "Child completed (wait) or started (fire-and-forget); a child that faults or is cancelled fails the step"), Inputs.ErrorPort], null, "account_tree");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        foreach (var issue in Inputs.CheckForEach(step))
            yield return issue;
        var waits = StringOf(step.Properties, "mode") == "wait";
        if (step.Properties[Inputs.ForEachProperty] is not null && !waits)
            yield return new("mode", "a for-each call collects its children's outputs, so it must wait for them (mode: wait)");
        if (step.Properties[OutputMapping] is System.Text.Json.Nodes.JsonArray { Count: > 0 } mapping)
        {
            if (!waits)
                yield return new(OutputMapping, "only a call that waits for its child receives its outputs (mode: wait)");
            if (step.Properties[Inputs.ForEachProperty] is not null)
                yield return new(OutputMapping, "a for-each call collects each child's outputs into its collect list; it cannot also map them");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < mapping.Count; k++)
            {
                if (mapping[k] is not System.Text.Json.Nodes.JsonObject item || StringOf(item, "variable") is not { Length: > 0 } variable)
                    continue;
                if (!Inputs.IsVariableName(variable))
                    yield return new($"{OutputMapping}[{k}].variable", $"'{variable}' is not a variable name (letters, digits, _ or $, not starting with a digit)");
                else if (!seen.Add(variable))
                    yield return new($"{OutputMapping}[{k}].variable", $"variable '{variable}' already receives another output");
            }
        }
    }
}
