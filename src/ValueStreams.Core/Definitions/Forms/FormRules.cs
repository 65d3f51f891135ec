using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Core.Definitions.Forms;

/// <summary>
/// Checks the data an assignee submits against a human task's form: required fields, types, min/max,
/// patterns, choices. The same rules drive the inbox's inline messages.
/// </summary>
public static class FormRules
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest text a text or multi-line field takes when the form declares no maximum.</summary>
    public const int DefaultMaxLength = 100_000;

    public static IReadOnlyList<DefinitionIssue> Check(JsonArray form, JsonObject data)
    {
        var issues = new List<DefinitionIssue>();
        var fields = form.OfType<JsonObject>().ToList();
        var names = fields.Select(f => Text(f, "name")).Where(n => n is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in data)
            if (!names.Contains(name))
                issues.Add(new($"data.{name}", "is not a field of this form"));

        foreach (var field in fields)
        {
            var name = Text(field, "name");
            if (name is null)
                continue;
            var path = $"data.{name}";
            var label = Text(field, "label") ?? name;
            var value = data[name];
            if (IsEmpty(value))
            {
                if (field["required"] is JsonValue required && required.GetValueKind() == JsonValueKind.True)
                    issues.Add(new(path, $"{label} is required"));
                continue;
            }
            if (CheckValue(field, label, value!) is { } problem)
                issues.Add(new(path, problem));
        }
        return issues;
    }

    private static string? CheckValue(JsonObject field, string label, JsonNode value)
    {
        var type = Text(field, "type");
        var options = (field["options"] as JsonArray)?.Select(o => o?.ToString()).ToList() ?? [];
        switch (type)
        {
            case "number":
                if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
                    return $"{label} must be a number";
                var n = number.GetValue<double>();
                if (Number(field, "min") is { } min && n < min) return $"{label} must be at least {min.ToString(CultureInfo.InvariantCulture)}";
                if (Number(field, "max") is { } max && n > max) return $"{label} must be at most {max.ToString(CultureInfo.InvariantCulture)}";
                return null;
            case "checkbox":
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"{label} must be true or false";
            case "multi-choice":
                if (value is not JsonArray chosen || chosen.Any(c => c is not JsonValue cv || cv.GetValueKind() != JsonValueKind.String))
                    return $"{label} must be a list of choices";
                var wrong = chosen.Select(c => c!.GetValue<string>()).FirstOrDefault(c => !options.Contains(c));
                return wrong is null ? null : $"{label}: '{wrong}' is not one of {string.Join(", ", options)}";
            default:
                if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
                    return $"{label} must be text";
                var s = text.GetValue<string>();
                if (type == "choice" && !options.Contains(s))
                    return $"{label}: '{s}' is not one of {string.Join(", ", options)}";
                if (type == "date-time" && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    return $"{label} must be a date and time (ISO 8601)";
                if (type is "text" or "multiline")
                {
                    if (Number(field, "min") is { } shortest && s.Length < shortest) return $"{label} must be at least {shortest} characters";
                    var longest = Number(field, "max") ?? DefaultMaxLength;
                    if (s.Length > longest)
                        return $"{label} must be at most {longest.ToString("N0", CultureInfo.InvariantCulture)} characters; it has {s.Length.ToString("N0", CultureInfo.InvariantCulture)}";
                }
                if (Text(field, "pattern") is { } pattern)
                {
                    try
                    {
                        if (!Regex.IsMatch(s, pattern, RegexOptions.None, PatternTimeout))
                            return $"{label} does not have the expected form";
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return $"{label} could not be checked against its pattern in time";
                    }
                }
                return null;
        }
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim().Length == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}
