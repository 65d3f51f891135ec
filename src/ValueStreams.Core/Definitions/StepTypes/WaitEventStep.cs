namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>
/// Waits for a named event whose correlation matches the instance; an event published shortly before the wait
/// started, that no instance took, is taken at once.
/// </summary>
public sealed class WaitEventStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "wait-event", "Wait for event", "Flow", "Waits until POST /api/events brings this event for this instance.",
        StepKind.Control, Automated: true,
        [
            new("event", InputKind.String, "Event name", Required: true),
            new("correlation", InputKind.Expression, "JavaScript expression giving the correlation id (default: the instance's)"),
            new(AcceptEarlierEvents, InputKind.Duration,
                "How long before the wait starts an event may have been published and still be taken, ISO 8601 (default: the engine's event retention, PT1H unless configured; events are kept no longer than that; PT0S takes only events published while waiting)"),
            Inputs.Timeout,
            Inputs.TimeoutExpression,
        ],
        [new("done", "The event arrived"), Inputs.TimeoutPortDescriptor], null, "hourglass_top");

    public const string AcceptEarlierEvents = "acceptEarlierEvents";

    public override IReadOnlyList<string> PortsOf(StepDefinition step) => Inputs.WithTimeout(base.PortsOf(step), step);

    public override IEnumerable<StepIssue> Check(StepDefinition step) => Inputs.TimeoutIssues(step);
}
