namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Starts parallel branches: a token leaves by every branch port.</summary>
public sealed class ForkStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "fork", "Fork", "Flow", "Runs several branches in parallel.",
        StepKind.Control, Automated: true,
        [new("branches", InputKind.StringList, "Branch port names", Required: true)],
        [], "branches", "fork_right");

    public override IReadOnlyList<string> PortsOf(StepDefinition step) => StringsOf(step.Properties, "branches").ToList();

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        if (PortsOf(step).Count < 2)
            yield return new("branches", "a fork needs at least two branches");
    }
}
