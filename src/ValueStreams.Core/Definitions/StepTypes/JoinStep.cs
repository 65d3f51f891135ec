namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Waits for parallel branches: all of them, any one, n of them, or the first (which withdraws the others).</summary>
public sealed class JoinStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "join", "Join", "Flow", "Waits for inbound branches before going on.",
        StepKind.Control, Automated: true,
        [
            new("mode", InputKind.Enum,
                "How many inbound branches must arrive: all, any one (the others run on), n-of-m, or first (the first goes on and the others are cancelled with their tasks, timers, event waits and children)",
                Required: true, Options: ["all", "any", "n-of-m", "first"]),
            new("count", InputKind.Integer, "Branches needed, for n-of-m"),
        ],
        [new("done", "Enough branches arrived")], null, "merge");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        if (StringOf(step.Properties, "mode") == "n-of-m" && step.Properties["count"] is null)
            yield return new("count", "n-of-m needs a count");
    }
}
