namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>A point where value is realised for the consumer; may come mid-stream and more than once.</summary>
public sealed class MilestoneStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "milestone", "Value milestone", "Flow", "Records that value is realised; work may continue after it.",
        StepKind.Value, Automated: true,
        [new("value", InputKind.Text, "The value realised, in the consumer's words", Required: true)],
        [new("done", "Value recorded")], null, "flag");
}
