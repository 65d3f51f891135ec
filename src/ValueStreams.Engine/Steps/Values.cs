using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Values that expressions give, read where a step needs text (an id, a correlation, an assignee).</summary>
internal static class Values
{
    public static string AsText(JsonNode? value) =>
        AsTextOrNull(value) ?? throw new StepFailedException("the expression gave no value where an id was needed");

    public static string? AsTextOrNull(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };

    /// <summary>Evaluates field/expression pairs into one object (record values and filters).</summary>
    public static JsonObject Fields(StepRun run, string property)
    {
        var fields = new JsonObject();
        foreach (var (field, expression) in StepProperties.Pairs(run.Properties, property, "field"))
            fields[field] = run.Expressions.EvaluateValue(expression, run.Scope);
        return fields;
    }
}
