namespace ValueStreams.Core.Records.Problems;

/// <summary>
/// A problem: a cause, or potential cause, of one or more incidents. It is logged (identification), investigated
/// (problem control) and, once analysed, a known error until it is resolved (error control); a logged problem that needs
/// no analysis is closed as not a problem. A workaround may be recorded at any stage, with or without a root cause, and
/// a known error carries at least one of them. Its priority comes from impact and urgency through the incident matrix.
/// </summary>
public sealed class ProblemKind : RecordKind
{
    public const string KnownError = "known-error";

    public override RecordKindDescriptor Descriptor { get; } = new(
        "problem", "problems", "Problem", "problems", "PRB",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("symptoms", "symptoms", RecordFieldType.LongText, "Symptoms", MaxLength: 100_000),
            new("service", "service", RecordFieldType.Reference, "Affected service", MaxLength: 100, RecordKind: "service"),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("category", "category", RecordFieldType.Text, "Category", MaxLength: 100),
            new("impact", "impact", RecordFieldType.Choice, "Impact", Required: true, Options: Levels),
            new("urgency", "urgency", RecordFieldType.Choice, "Urgency", Required: true, Options: Levels),
            new("priority", "priority", RecordFieldType.Choice, "Priority", Options: ["P1", "P2", "P3", "P4"], Derived: true),
            new("assignmentGroup", "assignment_group", RecordFieldType.Group, "Assignment group", MaxLength: 100),
            new("assignee", "assignee", RecordFieldType.User, "Assignee", MaxLength: 100),
            new("rootCause", "root_cause", RecordFieldType.LongText, "Root cause", MaxLength: 100_000),
            new("workaround", "workaround", RecordFieldType.LongText, "Workaround", MaxLength: 100_000),
            new("resolution", "resolution", RecordFieldType.LongText, "Resolution", MaxLength: 100_000, RequiredIn: ["resolved"]),
            new("relatedIncidents", "related_incidents", RecordFieldType.Text, "Related incidents (numbers)", MaxLength: 2000),
        ],
        [
            new("new", "Logged"),
            new("under-investigation", "Under investigation"),
            new(KnownError, "Known error"),
            new("resolved", "Resolved"),
            new("closed", "Closed", Final: true),
            new("not-a-problem", "Not a problem", Final: true),
        ],
        [
            new("new", "under-investigation", "investigate"),
            new("new", "not-a-problem", "close without analysis"),
            new("under-investigation", KnownError, "record the known error"),
            new("under-investigation", "resolved", "resolve"),
            new(KnownError, "under-investigation", "investigate again"),
            new(KnownError, "resolved", "resolve"),
            new(KnownError, "closed", "close with the workaround"),
            new("resolved", "under-investigation", "reopen"),
            new("resolved", "closed", "close"),
        ]);

    public override void Derive(IDictionary<string, object?> values, RecordSettings settings) => DerivePriority(values, settings);

    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values["state"] as string == KnownError && values["rootCause"] is null && values["workaround"] is null)
            yield return new RecordFieldError("workaround", "A known error needs a workaround or a root cause (either is enough).");
    }
}
