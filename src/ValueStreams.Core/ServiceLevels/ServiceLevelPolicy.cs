using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;

namespace ValueStreams.Core.ServiceLevels;

/// <summary>
/// A target as people write it: "4 hours", "30 minutes", "3 working days" (each a working day of the clock's
/// calendar) or an ISO 8601 duration ("PT4H").
/// </summary>
public sealed partial record Within(TimeSpan Time, int WorkingDays, string Text)
{
    public const int MaxWorkingDays = 365;

    /// <summary>The working time this allows on a calendar.</summary>
    public TimeSpan On(BusinessCalendar calendar) => Time + calendar.WorkingDayLength * WorkingDays;

    public static Within? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 50)
            return null;
        var words = Words().Match(text.Trim());
        if (words.Success)
        {
            var count = int.Parse(words.Groups["n"].Value, CultureInfo.InvariantCulture);
            var unit = words.Groups["unit"].Value.ToLowerInvariant();
            return unit.StartsWith("working day", StringComparison.Ordinal)
                ? count <= MaxWorkingDays ? new Within(TimeSpan.Zero, count, text.Trim()) : null
                : new Within(unit.StartsWith("minute", StringComparison.Ordinal) ? TimeSpan.FromMinutes(count) : TimeSpan.FromHours(count), 0, text.Trim());
        }
        try
        {
            var time = XmlConvert.ToTimeSpan(text.Trim());
            return time > TimeSpan.Zero && time <= TimeSpan.FromDays(MaxWorkingDays) ? new Within(time, 0, text.Trim()) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<n>\d{1,5})\s+(?<unit>minutes?|hours?|working\s+days?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Words();
}

/// <summary>One priority's target on one clock, and the calendar it runs on.</summary>
public sealed record ClockTarget(Within Within, string Calendar);

/// <summary>
/// One clock of a policy (response, resolution): the record states that pause it and that stop it, and a target per
/// priority (<c>*</c> for any priority not named).
/// </summary>
public sealed record ClockDefinition(string Name, string Description, IReadOnlySet<string> PauseIn, IReadOnlySet<string> StopIn,
    IReadOnlyDictionary<string, ClockTarget> Targets)
{
    public ClockTarget? TargetFor(string? priority) =>
        priority is not null && Targets.TryGetValue(priority, out var target) ? target : Targets.GetValueOrDefault("*");
}

/// <summary>
/// A service level policy: the clocks records of one kind get. Every clock starts when the record is logged; state
/// changes pause, resume and stop it, and a priority change plans it again with that priority's target and calendar.
/// </summary>
public sealed record ServiceLevelPolicy(string Id, string Name, string RecordKind, IReadOnlyList<ClockDefinition> Clocks)
{
    /// <summary>Reads a policy; every problem is reported with its path, and calendars must be among <paramref name="calendars"/>.</summary>
    public static (ServiceLevelPolicy? Policy, IReadOnlyList<ServiceLevelError> Errors) Read(JsonObject json, IReadOnlyCollection<string> calendars)
    {
        var errors = new List<ServiceLevelError>();
        string? Text(JsonNode? node, string path, bool required = true)
        {
            var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
            if (string.IsNullOrEmpty(text) ? required : text.Length > 200)
                errors.Add(new(path, required && string.IsNullOrEmpty(text) ? "Required." : "At most 200 characters."));
            return text;
        }
        IReadOnlySet<string> States(JsonNode? node, string path) =>
            (node as JsonArray ?? []).Select((s, i) => Text(s, $"{path}[{i}]")).OfType<string>().ToHashSet(StringComparer.Ordinal);

        var id = Text(json["id"], "id");
        var name = Text(json["name"], "name");
        var kind = Text(json["recordKind"], "recordKind");
        var clocks = new List<ClockDefinition>();
        var list = json["clocks"] as JsonArray;
        if (list is not { Count: > 0 })
            errors.Add(new("clocks", "A policy needs at least one clock."));
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var clock = list![i] as JsonObject ?? [];
            var path = $"clocks[{i}]";
            var targets = new Dictionary<string, ClockTarget>(StringComparer.Ordinal);
            foreach (var (priority, node) in clock["targets"] as JsonObject ?? [])
            {
                var within = Within.Parse(Text(node?["within"], $"{path}.targets.{priority}.within"));
                if (within is null)
                    errors.Add(new($"{path}.targets.{priority}.within", "Write a target such as \"4 hours\", \"30 minutes\", \"3 working days\" or PT4H."));
                var calendar = Text(node?["calendar"], $"{path}.targets.{priority}.calendar");
                if (calendar is not null && !calendars.Contains(calendar))
                    errors.Add(new($"{path}.targets.{priority}.calendar", $"There is no calendar '{calendar}'."));
                if (within is not null && calendar is not null)
                    targets[priority] = new ClockTarget(within, calendar);
            }
            if (targets.Count == 0)
                errors.Add(new($"{path}.targets", "A clock needs a target for at least one priority (or * for all)."));
            clocks.Add(new ClockDefinition(Text(clock["name"], $"{path}.name") ?? "", Text(clock["description"], $"{path}.description", required: false) ?? "",
                States(clock["pauseIn"], $"{path}.pauseIn"), States(clock["stopIn"], $"{path}.stopIn"), targets));
        }
        return errors.Count > 0 ? (null, errors) : (new ServiceLevelPolicy(id!, name!, kind!, clocks), errors);
    }
}
