namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Runs sandboxed JavaScript over the instance's variables.</summary>
public sealed class ScriptStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "script", "Script", "Data", "Runs sandboxed JavaScript; vars, input, outputs and outcomes are in scope.",
        StepKind.Activity, Automated: true,
        [
            new("script", InputKind.Expression, "JavaScript", Required: true, UiHint: "code"),
            Inputs.Retry,
        ],
        [new("done", "Script finished"), Inputs.ErrorPort], null, "code");
}
