using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace ValueStreams.Core.ServiceLevels;

/// <summary>A problem with one property of a calendar or policy as written, by its path (<c>week.monday[1]</c>).</summary>
public sealed record ServiceLevelError(string Path, string Message);

/// <summary>
/// Reads a business calendar as admins write it:
/// <code>
/// { "id": "office-hamburg", "name": "Hamburg office hours", "timeZone": "Europe/Berlin",
///   "week": { "monday": ["08:00-12:00", "13:00-17:00"], …, "saturday": [] },
///   "holidays": ["2026-12-25", "2026-12-26"] }
/// </code>
/// Time zones are IANA names from the time zone database the product ships with, so every machine reads them alike.
/// Every problem is reported with its path; a calendar with any problem is not built.
/// </summary>
public static class BusinessCalendarReader
{
    public const int MaxSegmentsPerDay = 12;
    public const int MaxHolidays = 1000;
    private const int MaxTextLength = 200;

    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;

    private static readonly IReadOnlyDictionary<string, IsoDayOfWeek> Days = new Dictionary<string, IsoDayOfWeek>(StringComparer.Ordinal)
    {
        ["monday"] = IsoDayOfWeek.Monday, ["tuesday"] = IsoDayOfWeek.Tuesday, ["wednesday"] = IsoDayOfWeek.Wednesday,
        ["thursday"] = IsoDayOfWeek.Thursday, ["friday"] = IsoDayOfWeek.Friday, ["saturday"] = IsoDayOfWeek.Saturday,
        ["sunday"] = IsoDayOfWeek.Sunday,
    };

    public static (BusinessCalendar? Calendar, IReadOnlyList<ServiceLevelError> Errors) Read(JsonObject? json)
    {
        var errors = new List<ServiceLevelError>();
        if (json is null)
            return (null, [new ServiceLevelError("", "A calendar must be a JSON object with id, name, timeZone, week and holidays.")]);

        var id = RequiredText(json, "id", errors);
        if (id is not null && !System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9][a-z0-9-]{0,63}$"))
            errors.Add(new("id", "The id may hold lower-case letters, digits and dashes (at most 64), starting with a letter or digit."));
        var name = RequiredText(json, "name", errors);

        DateTimeZone? zone = null;
        if (RequiredText(json, "timeZone", errors) is { } zoneId)
        {
            zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
            if (zone is null)
                errors.Add(new("timeZone", $"'{zoneId}' is not a time zone; use an IANA name such as 'Europe/Berlin' or 'UTC'."));
        }

        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingSegment>>();
        if (json["week"] is not JsonObject days)
            errors.Add(new("week", "The week must be an object with a list of working segments per day, such as \"monday\": [\"08:00-17:00\"]."));
        else
        {
            foreach (var (dayName, value) in days)
            {
                if (!Days.TryGetValue(dayName, out var day))
                {
                    errors.Add(new($"week.{dayName}", "Days are monday to sunday, in lower case."));
                    continue;
                }
                week[day] = Segments(value, $"week.{dayName}", errors);
            }
            if (errors.Count == 0 && !week.Values.Any(s => s.Count > 0))
                errors.Add(new("week", "The week has no working time; give at least one day a segment such as \"08:00-17:00\"."));
        }

        var holidays = new List<LocalDate>();
        if (json["holidays"] is JsonArray list)
        {
            if (list.Count > MaxHolidays)
                errors.Add(new("holidays", $"A calendar holds at most {MaxHolidays} holidays; this one has {list.Count}."));
            else
                for (var i = 0; i < list.Count; i++)
                {
                    var text = list[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                    var parsed = text is null ? null : Date.Parse(text);
                    if (parsed is { Success: true })
                        holidays.Add(parsed.Value);
                    else
                        errors.Add(new($"holidays[{i}]", "A holiday is a date written YYYY-MM-DD."));
                }
        }
        else if (json["holidays"] is not null)
            errors.Add(new("holidays", "Holidays are a list of dates written YYYY-MM-DD."));

        return errors.Count > 0 ? (null, errors) : (new BusinessCalendar(id!, name!, zone!, week, holidays), errors);
    }

    /// <summary>The calendar as <see cref="Read"/> reads it.</summary>
    public static JsonObject Write(BusinessCalendar calendar)
    {
        var week = new JsonObject();
        foreach (var (name, day) in Days)
            week[name] = new JsonArray(calendar.SegmentsOn(day).Select(s => (JsonNode)JsonValue.Create(s.ToString())).ToArray());
        return new JsonObject
        {
            ["id"] = calendar.Id,
            ["name"] = calendar.Name,
            ["timeZone"] = calendar.Zone.Id,
            ["week"] = week,
            ["holidays"] = new JsonArray(calendar.Holidays.Order().Select(d => (JsonNode)JsonValue.Create(Date.Format(d))).ToArray()),
        };
    }

    private static List<WorkingSegment> Segments(JsonNode? value, string path, List<ServiceLevelError> errors)
    {
        var segments = new List<WorkingSegment>();
        if (value is not JsonArray items)
        {
            errors.Add(new(path, "A day's working time is a list of segments such as [\"08:00-12:00\", \"13:00-17:00\"] (empty for a day off)."));
            return segments;
        }
        if (items.Count > MaxSegmentsPerDay)
        {
            errors.Add(new(path, $"A day holds at most {MaxSegmentsPerDay} segments; this one has {items.Count}."));
            return segments;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            var parts = text?.Split('-', 2, StringSplitOptions.TrimEntries);
            var start = parts is { Length: 2 } ? Time.Parse(parts[0]) : null;
            var end = parts is { Length: 2 } ? (parts[1] == "24:00" ? ParseResult<LocalTime>.ForValue(LocalTime.Midnight) : Time.Parse(parts[1])) : null;
            if (start is not { Success: true } || end is not { Success: true })
                errors.Add(new($"{path}[{i}]", "A segment is written HH:mm-HH:mm, such as \"08:00-12:00\"; an end before the start runs past midnight."));
            else
                segments.Add(new WorkingSegment(start.Value, end.Value));
        }
        var ordered = segments.OrderBy(s => s.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i - 1].End > ordered[i - 1].Start && ordered[i].Start < ordered[i - 1].End)
                errors.Add(new(path, $"The segments {ordered[i - 1]} and {ordered[i]} overlap."));
        return segments;
    }

    private static string? RequiredText(JsonObject json, string name, List<ServiceLevelError> errors)
    {
        var text = json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
        if (string.IsNullOrEmpty(text))
            errors.Add(new(name, $"The calendar needs a {name}."));
        else if (text.Length > MaxTextLength)
            errors.Add(new(name, string.Create(CultureInfo.InvariantCulture, $"The {name} may be at most {MaxTextLength} characters.")));
        else
            return text;
        return null;
    }
}
