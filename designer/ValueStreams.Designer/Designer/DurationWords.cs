using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// Durations as people say them ("4 hours", "2 days", "3 working days") and as the file stores them (ISO 8601,
/// <c>PT4H</c>, <c>P2D</c>). A file's durations run on the clock, every day counting: a number of working days is kept
/// as that many days, and <see cref="Read"/> says so.
/// </summary>
public static partial class DurationWords
{
    /// <summary>What a typed duration becomes: the ISO 8601 text to store, or why it cannot be stored; with a note when it was rounded to the clock.</summary>
    public sealed record Reading(string? Stored, string? Problem, string? Note);

    public const string Example = "e.g. 30 minutes, 4 hours, 2 days or 3 working days";

    public static Reading Read(string text)
    {
        var trimmed = text.Trim();
        if (DaysOrWeeks().Match(trimmed) is { Success: true } match)
        {
            var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var days = match.Groups["unit"].Value.StartsWith("week", StringComparison.OrdinalIgnoreCase) ? n * 7 : n;
            return days is > 0 and <= Within.MaxWorkingDays
                ? new(XmlConvert.ToString(TimeSpan.FromDays(days)), null, null)
                : new(null, $"At most {Within.MaxWorkingDays} days.", null);
        }
        if (Within.Parse(trimmed) is not { } within || within.Time + TimeSpan.FromDays(within.WorkingDays) <= TimeSpan.Zero)
            return new(null, $"Write a duration, {Example}.", null);
        var stored = XmlConvert.ToString(within.Time + TimeSpan.FromDays(within.WorkingDays));
        return new(stored, null, within.WorkingDays > 0
            ? $"Kept as {Describe(stored)}: the deadline runs on the clock, weekends and holidays counting."
            : null);
    }

    /// <summary>"1 day 4 hours" for <c>P1DT4H</c>; null when the text is not an ISO 8601 duration.</summary>
    public static string? Describe(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
            return null;
        TimeSpan time;
        try
        {
            time = XmlConvert.ToTimeSpan(stored);
        }
        catch (FormatException)
        {
            return null;
        }
        if (time <= TimeSpan.Zero)
            return null;
        var parts = new List<string>();
        void Add(int n, string unit)
        {
            if (n > 0)
                parts.Add(n == 1 ? $"1 {unit}" : $"{n} {unit}s");
        }
        Add(time.Days, "day");
        Add(time.Hours, "hour");
        Add(time.Minutes, "minute");
        Add(time.Seconds, "second");
        return parts.Count == 0 ? $"{time.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms" : string.Join(' ', parts);
    }

    [GeneratedRegex(@"^(?<n>\d{1,5})\s+(?<unit>days?|weeks?)$", RegexOptions.IgnoreCase)]
    private static partial Regex DaysOrWeeks();
}
