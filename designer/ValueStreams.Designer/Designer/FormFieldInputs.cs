using System.Text.Json.Nodes;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// Which settings of a form field apply to its type, as the form rules read them: choices for choice fields, bounds for
/// numbers and texts, a pattern for texts, a record type for record fields. The form builder shows only those, a choice
/// field's options first.
/// </summary>
public static class FormFieldInputs
{
    private static readonly Dictionary<string, string[]> AppliesTo = new(StringComparer.Ordinal)
    {
        ["options"] = ["choice", "multi-choice"],
        ["min"] = ["number", "text", "multiline"],
        ["max"] = ["number", "text", "multiline"],
        ["pattern"] = ["text", "multiline"],
        ["recordType"] = ["record"],
    };

    /// <summary>Whether a setting belongs with a field of this type (settings no type restricts always do).</summary>
    public static bool Applies(string setting, string? type) => !AppliesTo.TryGetValue(setting, out var types) || type is not null && types.Contains(type);

    /// <summary>Whether a setting comes before the rest: a choice field is nothing without its options.</summary>
    public static bool First(string setting, string? type) => setting == "options" && Applies(setting, type);

    public static string? TypeOf(JsonObject field) => field["type"] is JsonValue v && v.TryGetValue<string>(out var type) ? type : null;
}
