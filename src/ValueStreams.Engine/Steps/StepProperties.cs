using System.Text.Json.Nodes;
using System.Xml;

namespace ValueStreams.Engine.Steps;

/// <summary>Reads a step's properties into the typed properties of its behaviour; validation has checked their shapes.</summary>
internal static class StepProperties
{
    public static string? Text(JsonObject properties, string name) =>
        properties[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    public static string RequiredText(JsonObject properties, string name) =>
        Text(properties, name) ?? throw new Runtime.StepFailedException($"the step has no '{name}'");

    public static int? Integer(JsonObject properties, string name) =>
        properties[name] is JsonValue v && v.TryGetValue<int>(out var number) ? number
        : properties[name] is JsonValue d && d.TryGetValue<double>(out var real) ? (int)real : null;

    public static TimeSpan? Duration(JsonObject properties, string name) =>
        Text(properties, name) is { } text ? XmlConvert.ToTimeSpan(text) : null;

    public static IReadOnlyList<string> Strings(JsonObject properties, string name) =>
        (properties[name] as JsonArray ?? []).OfType<JsonValue>().Select(v => v.GetValue<string>()).ToList();

    /// <summary>A list of objects, each read into two named strings (variable/expression, field/expression, port/expression…).</summary>
    public static IReadOnlyList<(string Key, string Expression)> Pairs(JsonObject properties, string name, string key, string value = "expression") =>
        (properties[name] as JsonArray ?? []).OfType<JsonObject>()
            .Select(item => (Text(item, key) ?? "", Text(item, value) ?? "")).ToList();
}
