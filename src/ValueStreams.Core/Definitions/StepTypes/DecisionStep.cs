namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Chooses a way on: the first condition that holds names the port; otherwise the default port.</summary>
public sealed class DecisionStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "decision", "Decision", "Flow", "Evaluates JavaScript conditions in order; the first true one picks its port, else the default port.",
        StepKind.Control, Automated: true,
        [
            new("conditions", InputKind.ObjectList, "Conditions in order", Required: true, Fields:
            [
                new("port", InputKind.String, "Port taken when the condition holds", Required: true),
                new("expression", InputKind.Expression, "JavaScript condition", Required: true),
            ], UiHint: "condition-editor"),
            new("defaultPort", InputKind.String, "Port taken when no condition holds", Required: true),
            Inputs.Retry,
        ],
        [], "conditions[].port + defaultPort", "call_split");

    public override IReadOnlyList<string> PortsOf(StepDefinition step)
    {
        var ports = StringsOf(step.Properties, "conditions", "port").ToList();
        if (StringOf(step.Properties, "defaultPort") is { Length: > 0 } fallback && !ports.Contains(fallback))
            ports.Add(fallback);
        return ports;
    }
}
