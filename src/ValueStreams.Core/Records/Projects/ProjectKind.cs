namespace ValueStreams.Core.Records.Projects;

/// <summary>
/// A project: a temporary organization with a sponsor who authorises the budget and a manager who runs it. It is
/// proposed, approved, worked and closed with a review of what it delivered; a proposal may be cancelled instead.
/// </summary>
public sealed class ProjectKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "project", "projects", "Project", "projects", "PRJ",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("sponsor", "sponsor", RecordFieldType.User, "Sponsor", MaxLength: 100),
            new("manager", "manager", RecordFieldType.User, "Project manager", MaxLength: 100),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("startDate", "start_date", RecordFieldType.DateTime, "Start"),
            new("endDate", "end_date", RecordFieldType.DateTime, "End"),
            new("budget", "budget", RecordFieldType.Number, "Budget"),
            new("outcome", "outcome", RecordFieldType.LongText, "Expected outcome and benefits", MaxLength: 100_000),
            new("closureNotes", "closure_notes", RecordFieldType.LongText, "Closure review", MaxLength: 100_000,
                RequiredIn: ["closed"]),
        ],
        [
            new("proposed", "Proposed"),
            new("approved", "Approved"),
            new("in-progress", "In progress"),
            new("closed", "Closed", Final: true),
            new("cancelled", "Cancelled", Final: true),
        ],
        [
            new("proposed", "approved", "approve"),
            new("approved", "in-progress", "start"),
            new("in-progress", "closed", "close"),
            new("proposed", "cancelled", "cancel"),
            new("approved", "cancelled", "cancel"),
            new("in-progress", "cancelled", "cancel"),
        ]);

    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values.GetValueOrDefault("startDate") is DateTimeOffset start && values.GetValueOrDefault("endDate") is DateTimeOffset end
            && end < start)
            yield return new RecordFieldError("endDate", "'endDate' must not be before 'startDate'.");
        if (values.GetValueOrDefault("budget") is double budget && budget < 0)
            yield return new RecordFieldError("budget", "'budget' must not be negative.");
    }
}
