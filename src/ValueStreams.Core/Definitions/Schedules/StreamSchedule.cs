using Cronos;

namespace ValueStreams.Core.Definitions.Schedules;

/// <summary>
/// When a stream whose start step has the <c>schedule</c> trigger starts by itself: a cron expression (five fields, or
/// six with seconds) read in a time zone (IANA id; UTC when none), so "0 9 1 * *" in Europe/Berlin is nine in the
/// morning on the first of every month, summer and winter alike.
/// </summary>
public sealed class StreamSchedule
{
    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    private StreamSchedule(string cron, CronExpression expression, string timeZone, TimeZoneInfo zone)
    {
        Cron = cron;
        TimeZone = timeZone;
        _cron = expression;
        _zone = zone;
    }

    public string Cron { get; }
    public string TimeZone { get; }

    /// <summary>The schedule, or the reason it is not one (for the property it comes from).</summary>
    public static (StreamSchedule? Schedule, string? CronError, string? TimeZoneError) Read(string? cron, string? timeZone)
    {
        var (expression, cronError) = ReadCron(cron);
        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        var zoneError = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone) ? null : $"'{zoneId}' is not a time zone (an IANA id such as Europe/Berlin)";
        return expression is null || zone is null ? (null, cronError, zoneError) : (new StreamSchedule(cron!.Trim(), expression, zoneId, zone), null, null);
    }

    private static (CronExpression? Expression, string? Error) ReadCron(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
            return (null, "the schedule trigger needs a cron expression");
        if (cron.Length > 200)
            return (null, "a cron expression has at most 200 characters");
        try
        {
            var fields = cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            return (CronExpression.Parse(cron.Trim(), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), null);
        }
        catch (CronFormatException failed)
        {
            return (null, $"'{cron}' is not a cron expression (minute hour day month weekday, e.g. '0 9 1 * *'): {failed.Message}");
        }
    }

    /// <summary>The first moment after <paramref name="after"/>, or null when the expression names none (e.g. 30 February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _cron.GetNextOccurrence(after, _zone) is { } next ? next.ToUniversalTime() : null;
}
