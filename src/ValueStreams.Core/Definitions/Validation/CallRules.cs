namespace ValueStreams.Core.Definitions.Validation;

/// <summary>A stream that calls itself runs until the call-depth limit faults it: warn where a step does so directly.</summary>
internal static class CallRules
{
    private const string CallType = "call-value-stream";

    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            if (!context.IsType(i, CallType) || StepPropertyRules.AsString(context.Steps[i].Properties["valueStream"]) != context.Definition.Id)
                continue;
            context.Warning($"{ValidationContext.StepPath(i)}.valueStream",
                $"the step calls '{context.Definition.Id}', the stream it is in; each call nests one level deeper until the call-depth limit faults it");
        }
    }
}
