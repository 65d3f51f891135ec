namespace ValueStreams.Core.Records.Incidents;

/// <summary>
/// An incident: an unplanned interruption or reduction in quality of a service. Its priority comes from impact and
/// urgency through the configured matrix; it moves new → in progress ⇄ on hold → resolved → closed, and the caller's
/// "not fixed" reopens a resolved one.
/// </summary>
public sealed class IncidentKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "incident", "incidents", "Incident", "incidents", "INC",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("businessImpact", "business_impact", RecordFieldType.LongText, "Business impact", MaxLength: 100_000),
            new("caller", "caller", RecordFieldType.User, "Caller", MaxLength: 100),
            new("contact", "contact", RecordFieldType.Text, "How to reach the caller", MaxLength: 200),
            new("location", "location", RecordFieldType.Text, "Location", MaxLength: 200),
            new("service", "service", RecordFieldType.Reference, "Affected service", MaxLength: 100, RecordKind: "service"),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("category", "category", RecordFieldType.Text, "Category", MaxLength: 100),
            new("impact", "impact", RecordFieldType.Choice, "Impact", Required: true, Options: Levels),
            new("urgency", "urgency", RecordFieldType.Choice, "Urgency", Required: true, Options: Levels),
            new("priority", "priority", RecordFieldType.Choice, "Priority", Options: ["P1", "P2", "P3", "P4"], Derived: true),
            new("onHoldReason", "on_hold_reason", RecordFieldType.Text, "On-hold reason", MaxLength: 500, RequiredIn: ["on-hold"]),
            new("assignmentGroup", "assignment_group", RecordFieldType.Group, "Assignment group", MaxLength: 100),
            new("assignee", "assignee", RecordFieldType.User, "Assignee", MaxLength: 100),
            new("resolutionCode", "resolution_code", RecordFieldType.Choice, "Resolution code",
                Options: ["fixed", "workaround", "not-reproducible", "duplicate", "resolved-by-caller", "no-fault-found"]),
            new("resolutionNotes", "resolution_notes", RecordFieldType.LongText, "Resolution notes", MaxLength: 100_000),
            new("majorIncident", "major_incident", RecordFieldType.Boolean, "Major incident"),
        ],
        [
            new("new", "New"),
            new("in-progress", "In progress"),
            new("on-hold", "On hold"),
            new("resolved", "Resolved"),
            new("closed", "Closed", Final: true),
        ],
        [
            new("new", "in-progress", "start work"),
            new("new", "on-hold", "put on hold"),
            new("new", "resolved", "resolve"),
            new("in-progress", "on-hold", "put on hold"),
            new("in-progress", "resolved", "resolve"),
            new("on-hold", "in-progress", "resume"),
            new("on-hold", "resolved", "resolve"),
            new("resolved", "in-progress", "reopen"),
            new("resolved", "closed", "close"),
        ],
        DefaultSla: "incident");

    public override void Derive(IDictionary<string, object?> values, RecordSettings settings) => DerivePriority(values, settings);
}
