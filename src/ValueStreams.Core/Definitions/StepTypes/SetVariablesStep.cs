namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Sets instance variables from expressions.</summary>
public sealed class SetVariablesStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "set-variables", "Set variables", "Data", "Sets variables from JavaScript expressions.",
        StepKind.Activity, Automated: true,
        [
            Inputs.Assignments("assignments", "Variables and their new values", required: true),
            Inputs.Retry,
        ],
        [new("done", "Variables set"), Inputs.ErrorPort], null, "data_object");
}
