using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>Fresh ids and names for new steps: the type's kebab-case name, numbered when taken (<c>human-task-2</c>).</summary>
public static class StepIds
{
    public static string NewId(ValueStreamDefinition definition, string type)
    {
        var taken = definition.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(type))
            return type;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{type}-{n}"))
                return $"{type}-{n}";
    }

    public static string NewName(ValueStreamDefinition definition, string displayName)
    {
        var taken = definition.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(displayName))
            return displayName;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{displayName} {n}"))
                return $"{displayName} {n}";
    }
}
