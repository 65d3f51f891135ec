namespace ValueStreams.Core.Records.Changes;

/// <summary>
/// A change: adding, modifying or removing anything that could affect services. A standard change follows a
/// pre-authorised change model and goes straight to its schedule or implementation; a normal change is assessed and
/// authorised by the authority its risk calls for; an emergency change is authorised by the emergency change authority
/// without a separate assessment. Every implemented change is reviewed before it is closed.
/// </summary>
public sealed class ChangeKind : RecordKind
{
    /// <summary>Who authorises a change that follows no model: the change manager for low risk, the CAB above it.</summary>
    public const string ChangeManagement = "service-management";

    public const string ChangeAdvisoryBoard = "change-authority";

    /// <summary>The emergency change authority: the CAB members who can decide at once.</summary>
    public const string EmergencyChangeAuthority = "change-authority";

    /// <summary>States in which a change no longer takes part in the schedule's clashes.</summary>
    public static readonly IReadOnlyList<string> Finished = ["closed", "rejected", "cancelled"];

    public override RecordKindDescriptor Descriptor { get; } = new(
        "change", "changes", "Change", "changes", "CHG",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("reason", "reason", RecordFieldType.LongText, "Reason and benefit", MaxLength: 100_000),
            new("type", "change_type", RecordFieldType.Choice, "Type of change", Required: true, Options: ChangeTypes.All),
            new("changeModel", "change_model", RecordFieldType.Reference, "Change model", MaxLength: 100, RecordKind: "change-model"),
            new("risk", "risk", RecordFieldType.Choice, "Risk", Required: true, Options: ["low", "medium", "high"]),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("relatedRecord", "related_record", RecordFieldType.Reference, "Raised for (incident, problem…)", MaxLength: 100),
            new("plannedStart", "planned_start", RecordFieldType.DateTime, "Planned start", RequiredIn: ["scheduled"]),
            new("plannedEnd", "planned_end", RecordFieldType.DateTime, "Planned end", RequiredIn: ["scheduled"]),
            new("implementationPlan", "implementation_plan", RecordFieldType.LongText, "Implementation plan", MaxLength: 100_000),
            new("backoutPlan", "backout_plan", RecordFieldType.LongText, "Back-out plan", MaxLength: 100_000),
            new("changeAuthority", "change_authority", RecordFieldType.Group, "Change authority", MaxLength: 100, Derived: true),
            new("authorisationNotes", "authorisation_notes", RecordFieldType.LongText, "Authorisation notes", MaxLength: 100_000),
            new("testResults", "test_results", RecordFieldType.LongText, "Test results", MaxLength: 100_000),
            new("implementationNotes", "implementation_notes", RecordFieldType.LongText, "Implementation notes", MaxLength: 100_000),
            new("reviewOutcome", "review_outcome", RecordFieldType.Choice, "Review outcome",
                Options: ["successful", "successful-with-issues", "failed", "backed-out"], RequiredIn: ["closed"]),
            new("reviewNotes", "review_notes", RecordFieldType.LongText, "Review notes", MaxLength: 100_000),
            new("assignmentGroup", "assignment_group", RecordFieldType.Group, "Assignment group", MaxLength: 100),
            new("assignee", "assignee", RecordFieldType.User, "Assignee", MaxLength: 100),
        ],
        [
            new("new", "New"),
            new("assess", "Assess"),
            new("authorize", "Authorize"),
            new("scheduled", "Scheduled"),
            new("implement", "Implement"),
            new("review", "Review"),
            new("closed", "Closed", Final: true),
            new("rejected", "Rejected", Final: true),
            new("cancelled", "Cancelled", Final: true),
        ],
        [
            new("new", "assess", "assess"),
            new("new", "authorize", "authorize now (emergency)"),
            new("new", "scheduled", "schedule (standard)"),
            new("new", "implement", "implement (standard)"),
            new("new", "cancelled", "cancel"),
            new("assess", "authorize", "ask for authorization"),
            new("assess", "cancelled", "cancel"),
            new("authorize", "scheduled", "approve and schedule"),
            new("authorize", "implement", "approve and implement"),
            new("authorize", "rejected", "reject"),
            new("authorize", "cancelled", "cancel"),
            new("scheduled", "implement", "implement"),
            new("scheduled", "cancelled", "cancel"),
            new("implement", "review", "review"),
            new("review", "closed", "close"),
        ]);

    /// <summary>
    /// The change authority of a normal or emergency change. A standard change's authority is its model's, which the
    /// store sets when it checks the model; it is kept as it is here.
    /// </summary>
    public override void Derive(IDictionary<string, object?> values, RecordSettings settings)
    {
        switch (values["type"])
        {
            case ChangeTypes.Emergency:
                values["changeAuthority"] = EmergencyChangeAuthority;
                break;
            case ChangeTypes.Normal:
                values["changeAuthority"] = values["risk"] is "low" ? ChangeManagement : ChangeAdvisoryBoard;
                break;
        }
    }

    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values["plannedStart"] is DateTimeOffset start && values["plannedEnd"] is DateTimeOffset end && end <= start)
            yield return new RecordFieldError("plannedEnd", "'plannedEnd' must be after 'plannedStart'.");
        var type = values["type"] as string;
        if (type == ChangeTypes.Standard && values["changeModel"] is null)
            yield return new RecordFieldError("changeModel",
                "A standard change must follow a pre-authorised standard change model; name it in 'changeModel'.");

        var to = values["state"] as string;
        if (fromState is "new" or null && to is "scheduled" or "implement" && type != ChangeTypes.Standard)
            yield return new RecordFieldError("state", $"Only a standard change is pre-authorised; a {type} change must be authorized before it is {to}.");
        if (fromState is "new" or null && to == "authorize" && type == ChangeTypes.Normal)
            yield return new RecordFieldError("state", "A normal change is assessed before it is authorized.");
    }
}
