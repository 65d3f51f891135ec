using System.Globalization;

namespace ValueStreams.Designer.Analytics;

/// <summary>Durations in seconds as people read them on the analytics page.</summary>
public static class Durations
{
    private static readonly DurationUnit[] Units = [new("days", 86400), new("hours", 3600), new("minutes", 60), new("seconds", 1)];

    public static string Format(double? seconds) => seconds switch
    {
        null => "–",
        < 60 => $"{seconds.Value.ToString("0", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(seconds.Value / 60).ToString("0", CultureInfo.InvariantCulture)} min",
        < 172800 => $"{(seconds.Value / 3600).ToString("0.#", CultureInfo.InvariantCulture)} h",
        _ => $"{(seconds.Value / 86400).ToString("0.#", CultureInfo.InvariantCulture)} d",
    };

    /// <summary>The largest unit in which the longest of the durations is at least 1, so a chart's bars are not all near zero.</summary>
    public static DurationUnit UnitFor(IEnumerable<double?> seconds)
    {
        var longest = seconds.Max() ?? 0;
        return Units.FirstOrDefault(u => longest >= u.Seconds) ?? Units[^1];
    }
}

/// <summary>A unit a chart's durations are drawn in.</summary>
public sealed record DurationUnit(string Name, double Seconds)
{
    /// <summary>The duration in this unit for a chart; none counts as zero.</summary>
    public double Of(double? seconds) => Math.Round((seconds ?? 0) / Seconds, 2);
}
