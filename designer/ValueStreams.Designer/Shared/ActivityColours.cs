namespace ValueStreams.Designer.Shared;

/// <summary>One colour per value chain activity, used for chips, bands and legends across the UI.</summary>
public static class ActivityColours
{
    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
    {
        ["plan"] = "#6a4c93",
        ["improve"] = "#1982c4",
        ["engage"] = "#e07a00",
        ["design-and-transition"] = "#8ac926",
        ["obtain-build"] = "#c0392b",
        ["deliver-and-support"] = "#16a085",
    };

    public static string For(string activityId) => Colours.GetValueOrDefault(activityId, "#607d8b");
}
