using System.Text.Json;
using System.Text.Json.Nodes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>Variables: unique names, a known type, and a default of that type.</summary>
internal static class VariableRules
{
    public static void Check(ValidationContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var variables = context.Definition.Variables;
        for (var i = 0; i < variables.Count; i++)
        {
            var variable = variables[i];
            var path = $"variables[{i}]";
            if (variable.Name.Length == 0)
                context.Error($"{path}.name", "must not be empty");
            else if (!seen.Add(variable.Name))
                context.Error($"{path}.name", $"duplicate variable '{variable.Name}'");

            if (!VariableDefinition.Types.Contains(variable.Type))
                context.Error($"{path}.type", $"unknown variable type '{variable.Type}' (types: {string.Join(", ", VariableDefinition.Types)})");
            else if (variable.Default is not null && !Fits(variable.Default, variable.Type))
                context.Error($"{path}.default", $"a default of a {variable.Type} variable must be a {variable.Type}");
        }
    }

    private static bool Fits(JsonNode value, string type) => (type, value.GetValueKind()) switch
    {
        ("string", JsonValueKind.String) => true,
        ("number", JsonValueKind.Number) => true,
        ("boolean", JsonValueKind.True or JsonValueKind.False) => true,
        ("object", JsonValueKind.Object) => true,
        ("list", JsonValueKind.Array) => true,
        _ => false,
    };
}
