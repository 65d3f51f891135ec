namespace ValueStreams.Core.Records.MonitoringEvents;

/// <summary>
/// A monitoring event: a change of state that matters to a service or configuration item, as a monitoring tool reports
/// it. Its severity decides what follows (see <see cref="EventPolicies"/>): an exception opens an incident, named in the
/// event's <c>incident</c> field. It moves new → acknowledged → closed.
/// </summary>
public sealed class MonitoringEventKind : RecordKind
{
    public const string Name = "monitoring-event";

    public override RecordKindDescriptor Descriptor { get; } = new(
        Name, "monitoring-events", "Monitoring event", "monitoring_events", "EVT",
        [
            new("severity", "severity", RecordFieldType.Choice, "Severity", Required: true, Options: ["informational", "warning", "exception"]),
            new("source", "source", RecordFieldType.Text, "Monitoring tool", MaxLength: 100),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("message", "message", RecordFieldType.LongText, "Message", MaxLength: 100_000),
            new("occurredAt", "occurred_at", RecordFieldType.DateTime, "Occurred at"),
            new("incident", "incident", RecordFieldType.Reference, "Incident it opened", MaxLength: 100, RecordKind: "incident"),
        ],
        [
            new("new", "New"),
            new("acknowledged", "Acknowledged"),
            new("closed", "Closed", Final: true),
        ],
        [
            new("new", "acknowledged", "acknowledge"),
            new("new", "closed", "close"),
            new("acknowledged", "closed", "close"),
        ]);
}
