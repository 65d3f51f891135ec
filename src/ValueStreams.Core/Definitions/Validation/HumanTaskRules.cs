using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// Rules of human tasks beyond their descriptor's shapes: outcomes (the task's ports), the form, who may claim
/// the task (a group, given or taken from the first role), its priority and assignee rule.
/// </summary>
internal static class HumanTaskRules
{
    public const string HumanTaskType = "human-task";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly string[] AssigneeRules = ["initiator", "variable:<name>", "user:<name>"];

    /// <summary>The variable types a form field's value fits, by field type.</summary>
    private static readonly Dictionary<string, string[]> VariableTypesOfField = new(StringComparer.Ordinal)
    {
        ["text"] = ["string"],
        ["multiline"] = ["string"],
        ["choice"] = ["string"],
        ["date-time"] = ["string"],
        ["number"] = ["number"],
        ["checkbox"] = ["boolean"],
        ["multi-choice"] = ["list"],
        ["user"] = ["string", "object"],
        ["record"] = ["string", "object"],
    };

    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            if (!context.IsType(i, HumanTaskType))
                continue;
            var step = context.Steps[i];
            var path = ValidationContext.StepPath(i);
            CheckOutcomes(step.Properties["outcomes"], $"{path}.outcomes", context);
            CheckForm(step.Properties["form"], $"{path}.form", context);
            CheckGroup(step, path, context);
            CheckPriority(step.Properties["priority"], $"{path}.priority", context);
            CheckAssignee(step.Properties["assignee"], $"{path}.assignee", context);
        }
        // The start form follows a task form's rules.
        for (var i = 0; i < context.Steps.Count; i++)
            if (context.IsType(i, "start"))
                CheckForm(context.Steps[i].Properties["form"], $"{ValidationContext.StepPath(i)}.form", context);
    }

    private static void CheckOutcomes(JsonNode? outcomes, string path, ValidationContext context)
    {
        if (outcomes is not JsonArray items)
            return; // missing or mis-shaped: the property rules report it
        if (items.Count == 0)
            context.Error(path, "a human task needs at least one outcome");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < items.Count; k++)
            if (StepPropertyRules.AsString((items[k] as JsonObject)?["id"]) is { Length: > 0 } id && !seen.Add(id))
                context.Error($"{path}[{k}].id", $"duplicate outcome '{id}'");
    }

    private static void CheckForm(JsonNode? form, string path, ValidationContext context)
    {
        if (form is not JsonArray fields)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < fields.Count; k++)
        {
            if (fields[k] is not JsonObject field)
                continue;
            var fieldPath = $"{path}[{k}]";
            var type = StepPropertyRules.AsString(field["type"]);
            if (StepPropertyRules.AsString(field["name"]) is { Length: > 0 } name)
            {
                if (!seen.Add(name))
                    context.Error($"{fieldPath}.name", $"duplicate field '{name}'");
                else
                    CheckVariableClash(name, type, $"{fieldPath}.name", context);
            }
            if (type is "choice" or "multi-choice" && field["options"] is not JsonArray { Count: > 0 })
                context.Error($"{fieldPath}.options", $"a {type} field needs options");
            if (type == "record" && field["recordType"] is null)
                context.Error($"{fieldPath}.recordType", "a record field needs a record type");
            if (StepPropertyRules.AsNumber(field["min"]) is { } min && StepPropertyRules.AsNumber(field["max"]) is { } max && min > max)
                context.Error($"{fieldPath}.max", $"max ({max}) is less than min ({min})");
            if (StepPropertyRules.AsString(field["pattern"]) is { } pattern && PatternProblem(pattern) is { } problem)
                context.Error($"{fieldPath}.pattern", $"not a valid regular expression: {problem}");
        }
    }

    /// <summary>A field's value is stored in the variable of its name, so a declared variable must be of a type the field gives.</summary>
    private static void CheckVariableClash(string name, string? fieldType, string path, ValidationContext context)
    {
        if (fieldType is null || !VariableTypesOfField.TryGetValue(fieldType, out var fits))
            return;
        var variable = context.FindVariable(name);
        if (variable is not null && !fits.Contains(variable.Type))
            context.Error(path, $"field '{name}' ({fieldType}) clashes with variable '{name}', declared as {variable.Type}");
    }

    private static string? PatternProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, RegexTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private static void CheckGroup(StepDefinition step, string path, ValidationContext context)
    {
        if (StepPropertyRules.AsString(step.Properties["group"]) is { Length: > 0 })
            return;
        var firstRole = step.Roles.Count > 0 ? context.FindRole(step.Roles[0]) : null;
        if (firstRole?.Group is { Length: > 0 })
            return;
        var why = step.Roles.Count == 0 ? "the step has no role"
            : firstRole is null ? $"its first role '{step.Roles[0]}' is not declared"
            : $"its first role '{firstRole.Id}' has no group";
        context.Error($"{path}.group", $"no group can claim this task: set group, or give the first role a group ({why})");
    }

    private static void CheckPriority(JsonNode? priority, string path, ValidationContext context)
    {
        if (StepPropertyRules.AsNumber(priority) is { } value && value is < 1 or > 5)
            context.Error(path, $"priority {value} is outside 1 (highest) to 5");
    }

    private static void CheckAssignee(JsonNode? assignee, string path, ValidationContext context)
    {
        if (StepPropertyRules.AsString(assignee) is not { } rule)
            return;
        var valid = rule is "initiator"
            || rule.StartsWith("variable:", StringComparison.Ordinal) && rule.Length > "variable:".Length
            || rule.StartsWith("user:", StringComparison.Ordinal) && rule.Length > "user:".Length;
        if (!valid)
            context.Error(path, $"unknown assignee rule '{rule}' (rules: {string.Join(", ", AssigneeRules)})");
    }
}
