using System.Globalization;
using ValueStreams.Engine.Analytics;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Analytics;

/// <summary>
/// What part of a stream's history to measure: one published version or all, the instances started from <see cref="From"/>
/// until <see cref="To"/>, grouped per day or week. Read from the query string, refusing what it cannot take by name.
/// </summary>
public sealed record AnalyticsWindow(int? Version, DateTimeOffset From, DateTimeOffset To, FlowBucket Bucket)
{
    /// <summary>The longest window one request measures, so a query never reads more than two years of work.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(731);

    /// <summary>The window when none is given: the last 90 days.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromDays(90);

    /// <summary>Day buckets up to this long a window; longer ones are grouped per week unless asked otherwise.</summary>
    private static readonly TimeSpan DailyUpTo = TimeSpan.FromDays(62);

    /// <summary>Reads a window; <paramref name="span"/> is how far back it reaches when 'from' is not given (<see cref="Default"/> unless told).</summary>
    public static (AnalyticsWindow? Window, IReadOnlyList<FieldError> Errors) Parse(string? version, string? from, string? to, string? bucket,
        DateTimeOffset now, TimeSpan? span = null)
    {
        var errors = new List<FieldError>();
        int? number = null;
        if (!string.IsNullOrWhiteSpace(version))
        {
            if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
                number = parsed;
            else
                errors.Add(new FieldError("version", "A version is a whole number from 1."));
        }
        var end = Time(to, "to", errors) ?? now;
        var start = Time(from, "from", errors) ?? end - (span ?? Default);
        if (errors.Count == 0 && start >= end)
            errors.Add(new FieldError("from", "'from' must come before 'to'."));
        if (errors.Count == 0 && end - start > Longest)
            errors.Add(new FieldError("from", $"A window spans at most {Longest.TotalDays:0} days."));
        FlowBucket? grouping = bucket?.Trim().ToLowerInvariant() switch
        {
            null or "" => end - start > DailyUpTo ? FlowBucket.Week : FlowBucket.Day,
            "day" => FlowBucket.Day,
            "week" => FlowBucket.Week,
            _ => null,
        };
        if (grouping is null)
            errors.Add(new FieldError("bucket", "Group by 'day' or 'week'."));
        return errors.Count > 0 ? (null, errors) : (new AnalyticsWindow(number, start, end, grouping!.Value), errors);
    }

    private static DateTimeOffset? Time(string? text, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            && time.Year is >= 2000 and <= 9000)
            return time.ToUniversalTime();
        errors.Add(new FieldError(field, $"'{field}' is a date or an ISO 8601 time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z."));
        return null;
    }
}
