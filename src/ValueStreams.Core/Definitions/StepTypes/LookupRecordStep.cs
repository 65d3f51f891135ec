namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Finds an ITIL record (e.g. the CI of a failed access point) and keeps it in a variable.</summary>
public sealed class LookupRecordStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "lookup-record", "Look up record", "Records", "Finds a record by field values.",
        StepKind.Activity, Automated: true,
        [
            Inputs.RecordType("Kind of record"),
            Inputs.FieldValues("filters", "Fields that must match", required: false),
            new("resultVariable", InputKind.String, "Variable that receives the record", Required: true),
            Inputs.Retry,
        ],
        [new("found", "A record matched"), new("not-found", "No record matched"), Inputs.ErrorPort], null, "search");
}
