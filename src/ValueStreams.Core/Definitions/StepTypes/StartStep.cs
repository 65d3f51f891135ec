namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>The demand that starts the stream and how it arrives.</summary>
public sealed class StartStep : StepType
{
    public static readonly IReadOnlyList<string> Triggers = ["manual", "api", "event", "record-created", "schedule"];

    /// <summary>The property naming who may start the stream from the portal.</summary>
    public const string Starters = "starters";

    public override StepTypeDescriptor Descriptor { get; } = new(
        "start", "Demand", "Flow", "The demand or opportunity that starts the value stream.",
        StepKind.Demand, Automated: true,
        [
            new("trigger", InputKind.Enum, "How instances start", Required: true, Options: Triggers),
            new("event", InputKind.String, "Event name, for the event trigger"),
            Inputs.RecordType("Record type, for the record-created trigger") with { Required = false },
            new("condition", InputKind.Expression,
                "For the record-created trigger: start only for records this holds for (the record's fields are vars), e.g. vars.impact == 'high'"),
            new("schedule", InputKind.String, "Cron expression, for the schedule trigger: minute hour day month weekday, e.g. 0 9 1 * * (09:00 on the 1st)"),
            new("timeZone", InputKind.String, "Time zone the schedule is read in, an IANA id such as Europe/Berlin (UTC when empty)"),
            new(Starters, InputKind.StringList,
                "Who may start it from the portal: roles of this stream (their groups) or group ids; none keeps it off the portal"),
            Inputs.FormFields with { Description = "The start form: what the demand is, filled in by whoever starts it (stored as variables)" },
        ],
        [new("done", "The demand is accepted")], null, "play_circle");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        var trigger = StringOf(step.Properties, "trigger");
        if (trigger == "event" && StringOf(step.Properties, "event") is null)
            yield return new("event", "the event trigger needs an event name");
        if (trigger == "record-created" && StringOf(step.Properties, "recordType") is null)
            yield return new("recordType", "the record-created trigger needs a record type");
        if (trigger == "schedule")
        {
            var (_, cronError, zoneError) = Schedules.StreamSchedule.Read(StringOf(step.Properties, "schedule"), StringOf(step.Properties, "timeZone"));
            if (cronError is not null)
                yield return new("schedule", cronError);
            if (zoneError is not null)
                yield return new("timeZone", zoneError);
        }
    }
}
