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
/// One clock of a policy (response, resolution, or a custom one): the record states that start it (none: it starts
/// when the record is logged), pause it (leaving them resumes it), stop it and reset it, and a target per priority
/// (<c>*</c> for any priority not named).
/// </summary>
public sealed record ClockDefinition(string Name, string Description, IReadOnlySet<string> PauseIn, IReadOnlySet<string> StopIn,
    IReadOnlyDictionary<string, ClockTarget> Targets)
{
    public IReadOnlySet<string> StartIn { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> ResetIn { get; init; } = new HashSet<string>();

    /// <summary>The clock's warning ladder: thresholds at percentages of its target, each with its actions (<see cref="WarningLadder.Default"/> unless the policy names its own).</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = WarningLadder.Default;

    public ClockTarget? TargetFor(string? priority) =>
        priority is not null && Targets.TryGetValue(priority, out var target) ? target : Targets.GetValueOrDefault("*");
}

/// <summary>
/// A service level policy: the clocks records of one kind (or human tasks, <see cref="HumanTasks"/>) get, when the
/// record matches its <see cref="Conditions"/> (field → allowed values: priority, service, category, assignment group).
/// Clocks start when the record is logged, or back at the time its <see cref="StartFrom"/> field names; state changes
/// start, pause, resume, stop and reset them as each clock says, and a priority change plans them again with that
/// priority's target and calendar.
/// </summary>
public sealed partial record ServiceLevelPolicy(string Id, string Name, string RecordKind, IReadOnlyList<ClockDefinition> Clocks)
{
    /// <summary>What a policy for human tasks names as its kind: a step's <c>sla.policy</c> names it.</summary>
    public const string HumanTasks = "human-task";

    /// <summary>The record fields a policy's conditions may test.</summary>
    public static IReadOnlyList<string> ConditionFields { get; } = ["priority", "service", "category", "assignmentGroup"];

    public const int MaxClocks = 10;
    public const int MaxValues = 50;

    public IReadOnlyDictionary<string, IReadOnlySet<string>> Conditions { get; init; } = new Dictionary<string, IReadOnlySet<string>>();
    public string? StartFrom { get; init; }
    public string? Calendar { get; init; }

    /// <summary>Whether a record with these field values falls under the policy (every condition holds).</summary>
    public bool AppliesTo(Func<string, string?> field) =>
        Conditions.All(c => field(c.Key) is { } value && c.Value.Contains(value));

    /// <summary>
    /// Reads a policy; every problem is reported with its path. Calendars must be among <paramref name="calendars"/>,
    /// and the kind among <paramref name="kinds"/> when given.
    /// </summary>
    public static (ServiceLevelPolicy? Policy, IReadOnlyList<ServiceLevelError> Errors) Read(JsonObject json, IReadOnlyCollection<string> calendars,
        IReadOnlyCollection<string>? kinds = null)
    {
        var errors = new List<ServiceLevelError>();
        string? Text(JsonNode? node, string path, bool required = true)
        {
            var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
            if (node is not null and not JsonValue)
                errors.Add(new(path, "Write a text."));
            else if (string.IsNullOrEmpty(text) ? required : text.Length > 200)
                errors.Add(new(path, required && string.IsNullOrEmpty(text) ? "Required." : "At most 200 characters."));
            return string.IsNullOrEmpty(text) ? null : text;
        }
        IReadOnlySet<string> Values(JsonNode? node, string path)
        {
            if (node is null)
                return new HashSet<string>();
            if (node is not JsonArray list || list.Count > MaxValues)
            {
                errors.Add(new(path, $"A list of at most {MaxValues} values, such as [\"on-hold\"]."));
                return new HashSet<string>();
            }
            return list.Select((s, i) => Text(s, $"{path}[{i}]")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        string? CalendarId(JsonNode? node, string path, bool required)
        {
            var calendar = Text(node, path, required);
            if (calendar is not null && !calendars.Contains(calendar))
                errors.Add(new(path, $"There is no calendar '{calendar}'."));
            return calendar;
        }

        var id = Text(json["id"], "id");
        if (id is not null && !IdPattern().IsMatch(id))
            errors.Add(new("id", "The id may hold lower-case letters, digits and dashes (at most 64), starting with a letter or digit."));
        var name = Text(json["name"], "name");
        var kind = Text(json["recordKind"], "recordKind");
        if (kind is not null && kinds is not null && !kinds.Contains(kind))
            errors.Add(new("recordKind", $"'{kind}' is neither a record kind nor {HumanTasks}; use one of {string.Join(", ", kinds.Order(StringComparer.Ordinal))}."));
        var startFrom = Text(json["startFrom"], "startFrom", required: false);
        var policyCalendar = CalendarId(json["calendar"], "calendar", required: false);

        var conditions = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (json["conditions"] is JsonObject when)
            foreach (var (field, node) in when)
            {
                if (!ConditionFields.Contains(field))
                    errors.Add(new($"conditions.{field}", $"Conditions test {string.Join(", ", ConditionFields)}."));
                else if (Values(node, $"conditions.{field}") is { Count: > 0 } values)
                    conditions[field] = values;
            }
        else if (json["conditions"] is not null)
            errors.Add(new("conditions", "Conditions are an object such as { \"service\": [\"email\"] }."));

        var clocks = new List<ClockDefinition>();
        var list = json["clocks"] as JsonArray;
        if (list is not { Count: > 0 })
            errors.Add(new("clocks", "A policy needs at least one clock."));
        else if (list.Count > MaxClocks)
            errors.Add(new("clocks", $"A policy has at most {MaxClocks} clocks."));
        for (var i = 0; i < Math.Min(list?.Count ?? 0, MaxClocks); i++)
        {
            var clock = list![i] as JsonObject ?? [];
            var path = $"clocks[{i}]";
            var targets = new Dictionary<string, ClockTarget>(StringComparer.Ordinal);
            foreach (var (priority, node) in clock["targets"] as JsonObject ?? [])
            {
                var within = Within.Parse(Text(node?["within"], $"{path}.targets.{priority}.within"));
                if (within is null && node?["within"] is JsonValue)
                    errors.Add(new($"{path}.targets.{priority}.within", "Write a target such as \"4 hours\", \"30 minutes\", \"3 working days\" or PT4H."));
                var calendar = CalendarId(node?["calendar"], $"{path}.targets.{priority}.calendar", required: policyCalendar is null) ?? policyCalendar;
                if (within is not null && calendar is not null)
                    targets[priority] = new ClockTarget(within, calendar);
            }
            if (targets.Count == 0)
                errors.Add(new($"{path}.targets", "A clock needs a target for at least one priority (or * for all)."));
            var clockName = Text(clock["name"], $"{path}.name") ?? "";
            if (clocks.Any(c => c.Name == clockName))
                errors.Add(new($"{path}.name", $"Another clock is already called '{clockName}'."));
            clocks.Add(new ClockDefinition(clockName, Text(clock["description"], $"{path}.description", required: false) ?? "",
                Values(clock["pauseIn"], $"{path}.pauseIn"), Values(clock["stopIn"], $"{path}.stopIn"), targets)
            {
                StartIn = Values(clock["startIn"], $"{path}.startIn"),
                ResetIn = Values(clock["resetIn"], $"{path}.resetIn"),
                Thresholds = WarningLadder.Read(clock["thresholds"], $"{path}.thresholds", errors),
            });
        }
        return errors.Count > 0
            ? (null, errors)
            : (new ServiceLevelPolicy(id!, name!, kind!, clocks) { Conditions = conditions, StartFrom = startFrom, Calendar = policyCalendar }, errors);
    }

    /// <summary>The policy as <see cref="Read"/> reads it.</summary>
    public static JsonObject Write(ServiceLevelPolicy policy)
    {
        static JsonArray List(IEnumerable<string> values) => new(values.Order(StringComparer.Ordinal).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        var json = new JsonObject { ["id"] = policy.Id, ["name"] = policy.Name, ["recordKind"] = policy.RecordKind };
        if (policy.Calendar is not null)
            json["calendar"] = policy.Calendar;
        if (policy.StartFrom is not null)
            json["startFrom"] = policy.StartFrom;
        var conditions = new JsonObject();
        foreach (var (field, values) in policy.Conditions)
            conditions[field] = List(values);
        json["conditions"] = conditions;
        json["clocks"] = new JsonArray(policy.Clocks.Select(c =>
        {
            var targets = new JsonObject();
            foreach (var (priority, target) in c.Targets)
                targets[priority] = new JsonObject { ["within"] = target.Within.Text, ["calendar"] = target.Calendar };
            return (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["description"] = c.Description, ["startIn"] = List(c.StartIn), ["pauseIn"] = List(c.PauseIn),
                ["stopIn"] = List(c.StopIn), ["resetIn"] = List(c.ResetIn), ["targets"] = targets, ["thresholds"] = WarningLadder.Write(c.Thresholds),
            };
        }).ToArray());
        return json;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();
}
