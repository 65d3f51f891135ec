using System.Text;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>Property names as field labels (<c>resultVariable</c> → "Result variable"), and which properties name ports.</summary>
public static class Labels
{
    public static string Of(string propertyName)
    {
        var text = new StringBuilder(propertyName.Length + 4);
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            if (i == 0)
                text.Append(char.ToUpperInvariant(c));
            else if (char.IsUpper(c))
                text.Append(' ').Append(char.ToLowerInvariant(c));
            else
                text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>
    /// Whether a property names one of the step's ports, from the descriptor's <see cref="StepTypeDescriptor.DynamicPorts"/>
    /// (<c>outcomes[].id</c>, <c>conditions[].port + defaultPort</c>): renaming it must follow in the connections.
    /// </summary>
    public static bool NamesPort(StepTypeDescriptor descriptor, string? listName, string propertyName)
    {
        if (descriptor.DynamicPorts is not { } spec)
            return false;
        var wanted = listName is null ? propertyName : $"{listName}[].{propertyName}";
        return spec.Split('+', StringSplitOptions.TrimEntries).Contains(wanted, StringComparer.Ordinal);
    }

    /// <summary>The singular of a list's name for its add button and new items ("outcomes" → "outcome", "form" → "field").</summary>
    public static string Singular(string listName) => listName switch
    {
        "form" => "field",
        "values" => "value",
        "filters" => "filter",
        "input" => "input",
        _ when listName.EndsWith("ies", StringComparison.Ordinal) => listName[..^3] + "y",
        _ when listName.EndsWith('s') => listName[..^1],
        _ => listName,
    };
}
