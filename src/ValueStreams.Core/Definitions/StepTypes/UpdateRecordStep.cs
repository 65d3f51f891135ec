namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Changes fields of an ITIL record.</summary>
public sealed class UpdateRecordStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "update-record", "Update record", "Records", "Updates fields of an ITIL record.",
        StepKind.Activity, Automated: true,
        [
            Inputs.RecordType("Kind of record"),
            new("record", InputKind.Expression, "JavaScript expression giving the record id", Required: true),
            Inputs.FieldValues("values", "Field values", required: true),
            Inputs.Retry,
        ],
        [new("done", "Record updated"), Inputs.ErrorPort], null, "edit_note");
}
