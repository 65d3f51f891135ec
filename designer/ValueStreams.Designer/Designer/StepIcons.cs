using System.Collections.Concurrent;
using System.Reflection;
using MudBlazor;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// The SVG of a step type's icon: descriptors name Material icons in snake_case (<c>call_split</c>), MudBlazor ships
/// them as <c>Icons.Material.Filled.CallSplit</c>; unknown names fall back to a neutral square.
/// </summary>
public static class StepIcons
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Svg(string materialName) => Cache.GetOrAdd(materialName, Find);

    private static string Find(string materialName)
    {
        var pascal = string.Concat(materialName.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        var field = typeof(Icons.Material.Filled).GetField(pascal, BindingFlags.Public | BindingFlags.Static);
        return field?.GetValue(null) as string ?? Icons.Material.Filled.CropSquare;
    }
}
