namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Ends a path; the instance completes when no path is left running.</summary>
public sealed class EndStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "end", "End", "Flow", "Ends this path of the stream.",
        StepKind.Control, Automated: true, [], [], null, "stop_circle");
}
