using System.Text;

namespace ValueStreams.Designer.Designer;

/// <summary>Property names as field labels (<c>resultVariable</c> → "Result variable") and list items (<c>outcomes</c> → "outcome").</summary>
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

    /// <summary>The singular of a list's name for its add button and new items ("outcomes" → "outcome", "branches" → "branch", "form" → "field").</summary>
    public static string Singular(string listName) => listName switch
    {
        "form" => "field",
        "values" => "value",
        "filters" => "filter",
        "input" => "input",
        _ when listName.EndsWith("ies", StringComparison.Ordinal) => listName[..^3] + "y",
        _ when listName.EndsWith("ches", StringComparison.Ordinal) => listName[..^2],
        _ when listName.EndsWith('s') => listName[..^1],
        _ => listName,
    };
}
