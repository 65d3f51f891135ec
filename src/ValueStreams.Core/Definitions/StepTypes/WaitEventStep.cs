namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Waits for a named event whose correlation matches the instance.</summary>
public sealed class WaitEventStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "wait-event", "Wait for event", "Flow", "Waits until POST /api/events brings this event for this instance.",
        StepKind.Control, Automated: true,
        [
            new("event", InputKind.String, "Event name", Required: true),
            new("correlation", InputKind.Expression, "JavaScript expression giving the correlation id (default: the instance's)"),
            Inputs.Timeout,
        ],
        [new("done", "The event arrived"), Inputs.TimeoutPortDescriptor], null, "hourglass_top");

    public override IReadOnlyList<string> PortsOf(StepDefinition step) => Inputs.WithTimeout(base.PortsOf(step), step);
}
