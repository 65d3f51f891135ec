using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ValueStreams.Core.Outbound;

namespace ValueStreams.Core.ServiceLevels;

/// <summary>What a threshold does when a clock reaches it.</summary>
public static class ThresholdActionKind
{
    /// <summary>Tell people (<see cref="ThresholdAction.Who"/>) in the app.</summary>
    public const string Notify = "notify";

    /// <summary>Raise the record's priority one step (an incident's urgency, then its impact).</summary>
    public const string RaisePriority = "raise-priority";

    /// <summary>Hand the record to another group (<see cref="ThresholdAction.Group"/>).</summary>
    public const string Reassign = "reassign";

    /// <summary>Start a value stream (<see cref="ThresholdAction.Stream"/>) with the record as its input.</summary>
    public const string StartStream = "start-stream";

    /// <summary>POST what happened to an address (<see cref="ThresholdAction.Url"/>), after the change commits.</summary>
    public const string Webhook = "webhook";

    public static IReadOnlyList<string> All { get; } = [Notify, RaisePriority, Reassign, StartStream, Webhook];
}

/// <summary>Whom a notify action tells.</summary>
public static class ThresholdAudience
{
    public const string Assignee = "assignee";
    public const string Group = "group";
    public const string GroupManager = "group-manager";
    public const string ServiceOwner = "service-owner";

    public static IReadOnlyList<string> All { get; } = [Assignee, Group, GroupManager, ServiceOwner];
}

/// <summary>
/// One action of a threshold. A notification with <see cref="OnlyInWorkingTime"/> that falls outside the clock's
/// working time is held until the calendar's next working moment.
/// </summary>
public sealed record ThresholdAction(string Do, string? Who = null, string? Group = null, string? Stream = null, string? Url = null,
    bool OnlyInWorkingTime = false);

/// <summary>A rung of a warning ladder: at <see cref="Percent"/> of the target (100 is the breach), these actions.</summary>
public sealed record Threshold(int Percent, IReadOnlyList<ThresholdAction> Actions)
{
    public bool IsBreach => Percent >= 100;
}

/// <summary>
/// A clock's warning ladder: thresholds at any percentages of its target, each with its actions. The default warns the
/// assignee at 50 %, the group and its manager at 75 %, and at 100 % (the breach) tells the group's manager.
/// </summary>
public static partial class WarningLadder
{
    public const int MaxThresholds = 10;
    public const int MaxActions = 10;
    public const int MaxPercent = 1000;

    public static IReadOnlyList<Threshold> Default { get; } =
    [
        new(50, [new ThresholdAction(ThresholdActionKind.Notify, ThresholdAudience.Assignee)]),
        new(75, [new ThresholdAction(ThresholdActionKind.Notify, ThresholdAudience.Group), new ThresholdAction(ThresholdActionKind.Notify, ThresholdAudience.GroupManager)]),
        new(100, [new ThresholdAction(ThresholdActionKind.Notify, ThresholdAudience.GroupManager)]),
    ];

    /// <summary>How a stage of the ladder reads on a timeline: "warned at 50 %", "breached".</summary>
    public static string Stage(int percent) => percent >= 100 ? percent == 100 ? "breached" : $"breached, {percent} %" : $"warned at {percent} %";

    /// <summary>
    /// Reads a clock's <c>thresholds</c> (absent: the default ladder); every problem goes to <paramref name="errors"/> at
    /// its path (<c>clocks[0].thresholds[1].actions[0].url</c>).
    /// </summary>
    public static IReadOnlyList<Threshold> Read(JsonNode? node, string path, List<ServiceLevelError> errors)
    {
        if (node is null)
            return Default;
        if (node is not JsonArray list || list.Count > MaxThresholds)
        {
            errors.Add(new(path, $"A list of at most {MaxThresholds} thresholds, such as [{{ \"percent\": 50, \"actions\": [{{ \"do\": \"notify\", \"who\": \"assignee\" }}] }}]."));
            return [];
        }
        var ladder = new List<Threshold>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (list[i] is not JsonObject rung)
            {
                errors.Add(new(at, "A threshold is an object with percent and actions."));
                continue;
            }
            int? percent = rung["percent"] is JsonValue p && p.TryGetValue<int>(out var n) ? n
                : rung["percent"] is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.GetValue<double>() is var x && x == Math.Floor(x) && x is >= 1 and <= MaxPercent ? (int)x
                : null;
            if (percent is not (>= 1 and <= MaxPercent))
                errors.Add(new($"{at}.percent", $"A whole percentage of the target from 1 to {MaxPercent} (100 is the breach)."));
            else if (ladder.Any(t => t.Percent == percent))
                errors.Add(new($"{at}.percent", $"Another threshold is already at {percent} %."));
            var actions = new List<ThresholdAction>();
            if (rung["actions"] is not JsonArray todo || todo.Count > MaxActions)
                errors.Add(new($"{at}.actions", $"A list of at most {MaxActions} actions (it may be empty)."));
            else
                for (var j = 0; j < todo.Count; j++)
                    if (ReadAction(todo[j], $"{at}.actions[{j}]", errors) is { } action)
                        actions.Add(action);
            if (percent is (>= 1 and <= MaxPercent))
                ladder.Add(new Threshold(percent.Value, actions));
        }
        return ladder.OrderBy(t => t.Percent).ToList();
    }

    private static ThresholdAction? ReadAction(JsonNode? node, string path, List<ServiceLevelError> errors)
    {
        if (node is not JsonObject action)
        {
            errors.Add(new(path, "An action is an object such as { \"do\": \"notify\", \"who\": \"group\" }."));
            return null;
        }
        string? Text(string name)
        {
            if (action[name] is null)
                return null;
            var text = action[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
            if (text is null or "" || text.Length > 500)
            {
                errors.Add(new($"{path}.{name}", "Write a text of at most 500 characters."));
                return null;
            }
            return text;
        }
        var kind = Text("do");
        if (kind is null || !ThresholdActionKind.All.Contains(kind))
        {
            errors.Add(new($"{path}.do", $"Choose one of {string.Join(", ", ThresholdActionKind.All)}."));
            return null;
        }
        var onlyInWorkingTime = false;
        if (action["onlyInWorkingTime"] is { } flag)
        {
            if (flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                onlyInWorkingTime = flag.GetValue<bool>();
            else
                errors.Add(new($"{path}.onlyInWorkingTime", "Write true or false."));
        }
        var errorsBefore = errors.Count;
        string? Required(string name, string example, Func<string, string?> problemOf)
        {
            var text = Text(name);
            if (text is null && action[name] is null)
                errors.Add(new($"{path}.{name}", $"Required for {kind}, such as {example}."));
            else if (text is not null && problemOf(text) is { } problem)
                errors.Add(new($"{path}.{name}", problem));
            return text;
        }
        static string? Id(string text, string what) => IdPattern().IsMatch(text) ? null : $"{what} id: lower-case letters, digits and dashes.";
        var result = kind switch
        {
            ThresholdActionKind.Notify => new ThresholdAction(kind, OnlyInWorkingTime: onlyInWorkingTime,
                Who: Required("who", "\"group\"", who => ThresholdAudience.All.Contains(who) ? null : $"Choose one of {string.Join(", ", ThresholdAudience.All)}.")),
            ThresholdActionKind.Reassign => new ThresholdAction(kind, Group: Required("group", "\"network\"", g => Id(g, "A group"))),
            ThresholdActionKind.StartStream => new ThresholdAction(kind, Stream: Required("stream", "\"major-incident\"", s => Id(s, "A value stream"))),
            ThresholdActionKind.Webhook => new ThresholdAction(kind,
                Url: Required("url", "\"https://hooks.example.com/sla\"", u => WebAddress.ProblemOf(u) is { } problem ? $"The address {problem}." : null)),
            _ => new ThresholdAction(kind),
        };
        return errors.Count > errorsBefore ? null : result;
    }

    public static JsonArray Write(IReadOnlyList<Threshold> ladder) =>
        new(ladder.Select(t => (JsonNode)new JsonObject
        {
            ["percent"] = t.Percent,
            ["actions"] = new JsonArray(t.Actions.Select(a => (JsonNode)WriteAction(a)).ToArray()),
        }).ToArray());

    public static JsonObject WriteAction(ThresholdAction action)
    {
        var json = new JsonObject { ["do"] = action.Do };
        if (action.Who is not null) json["who"] = action.Who;
        if (action.Group is not null) json["group"] = action.Group;
        if (action.Stream is not null) json["stream"] = action.Stream;
        if (action.Url is not null) json["url"] = action.Url;
        if (action.OnlyInWorkingTime) json["onlyInWorkingTime"] = true;
        return json;
    }

    /// <summary>Actions as stored with a planned threshold, read back.</summary>
    public static IReadOnlyList<ThresholdAction> ReadActions(string json)
    {
        var errors = new List<ServiceLevelError>();
        var ladder = Read(new JsonArray(new JsonObject { ["percent"] = 1, ["actions"] = JsonNode.Parse(json) }), "", errors);
        return errors.Count > 0 ? throw new InvalidOperationException($"Stored threshold actions are unreadable: {errors[0].Path} {errors[0].Message}") : ladder[0].Actions;
    }

    public static string WriteActions(IReadOnlyList<ThresholdAction> actions) =>
        new JsonArray(actions.Select(a => (JsonNode)WriteAction(a)).ToArray()).ToJsonString();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex IdPattern();
}

/// <summary>
/// A stage of a clock's warning ladder for its timeline: "warned at 50 %", "breached", when it fired (or, not yet fired,
/// when it falls due; null while the clock is paused), the business time the clock had used by then and the wall time since
/// it started, and the change that set its moment (a resume, a priority change) and what its actions did.
/// </summary>
public sealed record ClockStage(string Clock, int Percent, DateTimeOffset? DueAt, DateTimeOffset? FiredAt, TimeSpan? BusinessTime, TimeSpan? WallTime,
    string Cause, string? Outcome)
{
    public string Stage => WarningLadder.Stage(Percent);
}
