namespace ValueStreams.Core.Records.Improvements;

/// <summary>
/// An entry of the continual improvement register: an idea to improve a service, practice or stream, logged by anyone
/// or by a stream (a lesson from an incident or a change), prioritised by benefit and effort, then carried out through
/// the continual improvement model. It moves logged → prioritised → in progress → done, and may be rejected on the way.
/// </summary>
public sealed class ImprovementKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "improvement", "improvements", "Improvement", "improvements", "IMP",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("source", "source", RecordFieldType.Text, "Where it came from (stream or practice)", MaxLength: 100),
            new("relatedRecord", "related_record", RecordFieldType.Reference, "Record it came from", MaxLength: 100),
            new("benefit", "benefit", RecordFieldType.LongText, "Expected benefit", MaxLength: 10_000),
            new("effort", "effort", RecordFieldType.Choice, "Effort", Options: Levels),
            new("priority", "priority", RecordFieldType.Choice, "Priority", Options: ["P1", "P2", "P3", "P4"], RequiredIn: ["prioritised"]),
            new("owner", "owner", RecordFieldType.User, "Owner", MaxLength: 100),
            new("assignmentGroup", "assignment_group", RecordFieldType.Group, "Assignment group", MaxLength: 100),
            new("objectives", "objectives", RecordFieldType.LongText, "Objectives, critical success factors and KPIs", MaxLength: 100_000),
            new("plan", "plan", RecordFieldType.LongText, "Plan", MaxLength: 100_000),
            new("results", "results", RecordFieldType.LongText, "Results", MaxLength: 100_000),
            new("lessonsLearned", "lessons_learned", RecordFieldType.LongText, "Lessons learned", MaxLength: 100_000),
        ],
        [
            new("logged", "Logged"),
            new("prioritised", "Prioritised"),
            new("in-progress", "In progress"),
            new("done", "Done", Final: true),
            new("rejected", "Rejected", Final: true),
        ],
        [
            new("logged", "prioritised", "prioritise"),
            new("logged", "rejected", "reject"),
            new("prioritised", "in-progress", "start"),
            new("prioritised", "logged", "return to the register"),
            new("prioritised", "rejected", "reject"),
            new("in-progress", "done", "complete"),
            new("in-progress", "rejected", "stop"),
        ]);
}
