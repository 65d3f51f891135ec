namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Starts another value stream, and waits for it or not.</summary>
public sealed class CallValueStreamStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "call-value-stream", "Call value stream", "Flow", "Starts another value stream as a child instance.",
        StepKind.Activity, Automated: true,
        [
            new("valueStream", InputKind.String, "Id of the value stream to start", Required: true),
            new("mode", InputKind.Enum, "Wait for the child to end, or go on at once", Required: true, Options: ["wait", "fire-and-forget"]),
            Inputs.Assignments("input", "Input of the child instance", required: false),
            Inputs.Retry,
        ],
        [new("done", "Child completed (wait) or started (fire-and-forget); a child that faults or is cancelled fails the step"), Inputs.ErrorPort], null, "account_tree");
}
