namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Waits for a duration or until a time; Hangfire fires it exactly once.</summary>
public sealed class TimerStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "timer", "Timer", "Flow", "Waits for an ISO 8601 duration, or until the time an expression gives.",
        StepKind.Control, Automated: true,
        [
            new("duration", InputKind.Duration, "How long to wait, e.g. PT4H or P1D"),
            new("until", InputKind.Expression, "JavaScript expression giving the date-time to wait until"),
        ],
        [new("done", "The time has come")], null, "timer");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        var hasDuration = step.Properties["duration"] is not null;
        var hasUntil = step.Properties["until"] is not null;
        if (hasDuration == hasUntil)
            yield return new("duration", "a timer needs exactly one of duration and until");
    }
}
