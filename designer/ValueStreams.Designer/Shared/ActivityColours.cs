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

    /// <summary>
    /// Text colour for labels drawn on <see cref="For"/>: white or black, whichever contrasts more
    /// (white fails WCAG AA's 4.5:1 on the lighter activity colours).
    /// </summary>
    public static string TextOn(string activityId)
    {
        var background = RelativeLuminance(For(activityId));
        var onWhite = 1.05 / (background + 0.05);
        var onBlack = (background + 0.05) / 0.05;
        return onWhite >= onBlack ? "#fff" : "#000";
    }

    private static double RelativeLuminance(string hex)
    {
        static double Channel(string hex, int at)
        {
            var c = Convert.ToInt32(hex.Substring(at, 2), 16) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(hex, 1) + 0.7152 * Channel(hex, 3) + 0.0722 * Channel(hex, 5);
    }
}
