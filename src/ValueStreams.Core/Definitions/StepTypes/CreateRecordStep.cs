namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Creates an ITIL record (incident, change, …) and keeps its id in a variable.</summary>
public sealed class CreateRecordStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "create-record", "Create record", "Records", "Creates an ITIL record from expressions.",
        StepKind.Activity, Automated: true,
        [
            Inputs.RecordType("Kind of record"),
            Inputs.FieldValues("values", "Field values", required: false),
            new("resultVariable", InputKind.String, "Variable that receives the new record's id"),
            Inputs.Retry,
        ],
        [new("done", "Record created"), Inputs.ErrorPort], null, "note_add");
}
