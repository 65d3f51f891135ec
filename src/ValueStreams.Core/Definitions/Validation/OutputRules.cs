using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// What a stream gives back and what its callers take: declared outputs have unique variable names and a known type;
/// a call step's output mapping names outputs the called stream declares (when that stream is known) and variables of
/// a fitting type; a for-each collects into a list variable.
/// </summary>
internal static class OutputRules
{
    private const string CallType = "call-value-stream";

    public static void Check(ValidationContext context)
    {
        CheckDeclared(context);
        for (var i = 0; i < context.Steps.Count; i++)
        {
            var step = context.Steps[i];
            var path = ValidationContext.StepPath(i);
            if (step.Properties[Inputs.ForEachProperty] is JsonObject forEach
                && StepPropertyRules.AsString(forEach["collect"]) is { Length: > 0 } collect
                && context.FindVariable(collect) is { Type: not "list" } declared)
                context.Error($"{path}.{Inputs.ForEachProperty}.collect", $"the results are a list, but variable '{collect}' is declared as {declared.Type}");
            if (context.IsType(i, CallType))
                CheckMapping(step, path, context);
        }
    }

    private static void CheckDeclared(ValidationContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var outputs = context.Definition.Outputs;
        for (var k = 0; k < outputs.Count; k++)
        {
            var output = outputs[k];
            var path = $"outputs[{k}]";
            if (output.Name.Length == 0)
                context.Error($"{path}.name", "must not be empty");
            else if (!Inputs.IsVariableName(output.Name))
                context.Error($"{path}.name", $"'{output.Name}' is not a variable name (letters, digits, _ or $, not starting with a digit)");
            else if (!seen.Add(output.Name))
                context.Error($"{path}.name", $"duplicate output '{output.Name}'");
            if (output.Type is { } type && !VariableDefinition.Types.Contains(type))
                context.Error($"{path}.type", $"unknown output type '{type}' (types: {string.Join(", ", VariableDefinition.Types)})");
            else if (output.Type is { } typed && context.FindVariable(output.Name) is { } variable && variable.Type != typed)
                context.Error($"{path}.type", $"output '{output.Name}' is a {typed}, but the variable it gives is declared as {variable.Type}");
        }
    }

    private static void CheckMapping(StepDefinition step, string path, ValidationContext context)
    {
        if (step.Properties[CallValueStreamStep.OutputMapping] is not JsonArray mapping)
            return;
        var calledId = StepPropertyRules.AsString(step.Properties["valueStream"]);
        var called = calledId is null ? null
            : calledId == context.Definition.Id ? context.Definition
            : context.CalledStream?.Invoke(calledId);
        for (var k = 0; k < mapping.Count; k++)
        {
            if (mapping[k] is not JsonObject item || StepPropertyRules.AsString(item["output"]) is not { Length: > 0 } name)
                continue;
            var itemPath = $"{path}.{CallValueStreamStep.OutputMapping}[{k}]";
            if (called is null)
                continue; // not published yet: checked when the call runs
            var output = called.Outputs.Find(o => o.Name == name);
            if (output is null)
            {
                var declared = called.Outputs.Count == 0 ? "it declares none" : $"its outputs: {string.Join(", ", called.Outputs.Select(o => o.Name))}";
                context.Error($"{itemPath}.output", $"'{name}' is not an output of '{called.Id}' ({declared})");
            }
            else if (output.Type is { } type && StepPropertyRules.AsString(item["variable"]) is { Length: > 0 } target
                && context.FindVariable(target) is { } variable && variable.Type != type)
            {
                context.Error($"{itemPath}.variable", $"output '{name}' is a {type}, but variable '{target}' is declared as {variable.Type}");
            }
        }
    }
}
