using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// A step's type must be known, and its own properties must match the type's descriptor: no undeclared
/// properties, required inputs present, each value of its <see cref="InputKind"/>, JavaScript that parses;
/// then the type's own <see cref="StepType.Check"/> rules.
/// </summary>
internal static partial class StepPropertyRules
{
    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            var step = context.Steps[i];
            var path = ValidationContext.StepPath(i);
            if (context.Types[i] is not { } type)
            {
                context.Error($"{path}.type", $"unknown step type '{step.Type}'");
                continue;
            }
            CheckInputs(step.Properties, type.Descriptor.Inputs, path, context);
            foreach (var issue in type.Check(step))
                context.Error(issue.Path.Length == 0 ? path : $"{path}.{issue.Path}", issue.Message);
        }
    }

    /// <summary>Checks an object against declared inputs (a step's properties or an object input's fields).</summary>
    private static void CheckInputs(JsonObject values, IReadOnlyList<InputDescriptor> inputs, string path, ValidationContext context)
    {
        foreach (var (name, _) in values)
            if (!inputs.Any(i => i.Name == name))
                context.Error($"{path}.{name}", "unknown property");

        foreach (var input in inputs)
        {
            var inputPath = $"{path}.{input.Name}";
            if (!values.TryGetPropertyValue(input.Name, out var value) || value is null && input.Required)
            {
                if (input.Required)
                    context.Error(inputPath, "required");
                continue;
            }
            CheckValue(value, input, inputPath, context);
        }
    }

    /// <summary>Recursion follows the descriptor's nesting (object fields), never the data's, so its depth is fixed.</summary>
    private static void CheckValue(JsonNode? value, InputDescriptor input, string path, ValidationContext context)
    {
        switch (input.Kind)
        {
            case InputKind.String or InputKind.Text or InputKind.Template or InputKind.Expression or InputKind.Duration:
                if (AsString(value) is not { } text)
                    context.Error(path, "must be a string");
                else if (text.Length == 0 && input.Required)
                    context.Error(path, "must not be empty");
                else
                    CheckText(text, input.Kind, path, context);
                break;
            case InputKind.Integer:
                if (!IsInteger(value))
                    context.Error(path, "must be an integer");
                break;
            case InputKind.Number:
                if (value?.GetValueKind() != JsonValueKind.Number)
                    context.Error(path, "must be a number");
                break;
            case InputKind.Boolean:
                if (value?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    context.Error(path, "must be true or false");
                break;
            case InputKind.Enum:
                CheckEnum(value, input.Options ?? [], path, context);
                break;
            case InputKind.StringList:
                CheckStringList(value, path, context);
                break;
            case InputKind.Object:
                if (value is JsonObject fields)
                    CheckInputs(fields, input.Fields ?? [], path, context);
                else
                    context.Error(path, "must be an object");
                break;
            case InputKind.ObjectList:
                CheckObjectList(value, input.Fields ?? [], path, context);
                break;
            case InputKind.Json:
                break;
            default:
                throw new InvalidOperationException($"Input kind {input.Kind} has no validation rule.");
        }
    }

    private static void CheckText(string text, InputKind kind, string path, ValidationContext context)
    {
        if (kind is InputKind.Expression or InputKind.Template)
            CheckOutcomes(text, path, context);
        switch (kind)
        {
            case InputKind.Duration when !IsDuration(text):
                context.Error(path, $"'{text}' is not an ISO 8601 duration (e.g. PT15M, PT4H, P1D)");
                break;
            case InputKind.Expression when JavaScriptSyntax.ScriptProblem(text) is { } problem:
                context.Error(path, $"does not parse: {problem}");
                break;
            case InputKind.Template:
                foreach (var problem in JavaScriptSyntax.TemplateProblems(text))
                    context.Error(path, problem);
                break;
        }
    }

    /// <summary><c>outcomes.review</c> (or <c>outcomes['review']</c>) names a step with outcomes: a human task of the stream.</summary>
    private static void CheckOutcomes(string text, string path, ValidationContext context)
    {
        foreach (System.Text.RegularExpressions.Match match in OutcomeReference().Matches(text))
        {
            var stepId = match.Groups["dot"].Success ? match.Groups["dot"].Value : match.Groups["quoted"].Value;
            var step = context.Definition.FindStep(stepId);
            if (step is null)
                context.Warning(path, match.Groups["dot"].Success && text.Length > match.Index + match.Length && text[match.Index + match.Length] == '-'
                    ? $"outcomes.{stepId}: there is no step '{stepId}' (a step id with '-' is read as outcomes['{stepId}-…'])"
                    : $"outcomes.{stepId}: there is no step '{stepId}'");
            else if (step.Type != "human-task")
                context.Warning(path, $"outcomes.{stepId}: step '{stepId}' is a {step.Type} step, which has no outcome (only human tasks have one)");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w$.])outcomes\s*(?:\.\s*(?<dot>[A-Za-z_$][\w$]*)|\[\s*(?<q>['""])(?<quoted>[^'""\]]+)\k<q>\s*\])")]
    private static partial System.Text.RegularExpressions.Regex OutcomeReference();

    private static void CheckEnum(JsonNode? value, IReadOnlyList<string> options, string path, ValidationContext context)
    {
        var text = AsString(value);
        if (text is null)
            context.Error(path, $"must be one of: {string.Join(", ", options)}");
        else if (!options.Contains(text))
            context.Error(path, $"'{text}' is not one of: {string.Join(", ", options)}");
    }

    private static void CheckStringList(JsonNode? value, string path, ValidationContext context)
    {
        if (value is not JsonArray items)
        {
            context.Error(path, "must be an array of strings");
            return;
        }
        for (var k = 0; k < items.Count; k++)
        {
            if (AsString(items[k]) is not { } text)
                context.Error($"{path}[{k}]", "must be a string");
            else if (text.Length == 0)
                context.Error($"{path}[{k}]", "must not be empty");
        }
    }

    private static void CheckObjectList(JsonNode? value, IReadOnlyList<InputDescriptor> fields, string path, ValidationContext context)
    {
        if (value is not JsonArray items)
        {
            context.Error(path, "must be an array of objects");
            return;
        }
        for (var k = 0; k < items.Count; k++)
        {
            if (items[k] is JsonObject item)
                CheckInputs(item, fields, $"{path}[{k}]", context);
            else
                context.Error($"{path}[{k}]", "must be an object");
        }
    }

    internal static string? AsString(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    internal static double? AsNumber(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var number) ? number : null;

    private static bool IsInteger(JsonNode? value) => AsNumber(value) is { } number && Math.Floor(number) == number && double.IsFinite(number);

    private static bool IsDuration(string text)
    {
        try
        {
            XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
