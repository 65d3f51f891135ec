using System.Text.Json.Nodes;

namespace ValueStreams.Designer.ServiceLevels;

/// <summary>
/// A policy as the editor holds it while an admin changes it: lists of states and condition values as comma-separated
/// text, targets as rows. It writes the JSON the API reads, so the server's checks (and their paths) apply unchanged.
/// </summary>
public sealed class PolicyForm
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string RecordKind { get; set; } = "incident";
    public string? Calendar { get; set; }
    public string? StartFrom { get; set; }
    public Dictionary<string, string> Conditions { get; } = new(StringComparer.Ordinal);
    public List<ClockForm> Clocks { get; } = [];

    public static IReadOnlyList<string> ConditionFields { get; } = ["priority", "service", "category", "assignmentGroup"];

    public sealed class ClockForm
    {
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public string StartIn { get; set; } = "";
        public string PauseIn { get; set; } = "";
        public string StopIn { get; set; } = "";
        public string ResetIn { get; set; } = "";
        public List<TargetForm> Targets { get; } = [];

        /// <summary>The clock's warning ladder as JSON (thresholds with their actions); empty for the default ladder.</summary>
        public string Thresholds { get; set; } = "";
    }

    public sealed class TargetForm
    {
        public string Priority { get; set; } = "";
        public string Within { get; set; } = "";
        public string? Calendar { get; set; }
    }

    /// <summary>A new policy: a response and a resolution clock with a target per priority, on office hours.</summary>
    public static PolicyForm Blank()
    {
        var form = new PolicyForm { Calendar = "office-hours" };
        foreach (var (name, stop, times) in new[]
                 {
                     ("response", "in-progress, on-hold, resolved, closed", new[] { "30 minutes", "1 hour", "4 hours", "1 working day" }),
                     ("resolution", "closed", new[] { "4 hours", "8 hours", "3 working days", "5 working days" }),
                 })
        {
            var clock = new ClockForm { Name = name, StopIn = stop, PauseIn = name == "resolution" ? "on-hold, resolved" : "" };
            clock.Targets.AddRange(times.Select((t, i) => new TargetForm { Priority = $"P{i + 1}", Within = t }));
            form.Clocks.Add(clock);
        }
        return form;
    }

    public static PolicyForm From(JsonObject json)
    {
        var form = new PolicyForm
        {
            Id = Text(json["id"]), Name = Text(json["name"]), RecordKind = Text(json["recordKind"]),
            Calendar = NullIfEmpty(Text(json["calendar"])), StartFrom = NullIfEmpty(Text(json["startFrom"])),
        };
        foreach (var (field, values) in json["conditions"] as JsonObject ?? [])
            form.Conditions[field] = List(values);
        foreach (var clock in (json["clocks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var c = new ClockForm
            {
                Name = Text(clock["name"]), Description = Text(clock["description"]), StartIn = List(clock["startIn"]),
                PauseIn = List(clock["pauseIn"]), StopIn = List(clock["stopIn"]), ResetIn = List(clock["resetIn"]),
                Thresholds = clock["thresholds"] is JsonArray ladder ? ladder.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) : "",
            };
            foreach (var (priority, target) in clock["targets"] as JsonObject ?? [])
                c.Targets.Add(new TargetForm { Priority = priority, Within = Text(target?["within"]), Calendar = NullIfEmpty(Text(target?["calendar"])) });
            form.Clocks.Add(c);
        }
        return form;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = Id.Trim(), ["name"] = Name.Trim(), ["recordKind"] = RecordKind };
        if (!string.IsNullOrWhiteSpace(Calendar))
            json["calendar"] = Calendar;
        if (!string.IsNullOrWhiteSpace(StartFrom))
            json["startFrom"] = StartFrom.Trim();
        var conditions = new JsonObject();
        foreach (var (field, text) in Conditions.Where(c => !string.IsNullOrWhiteSpace(c.Value)))
            conditions[field] = Array(text);
        json["conditions"] = conditions;
        json["clocks"] = new JsonArray(Clocks.Select(c =>
        {
            var targets = new JsonObject();
            foreach (var t in c.Targets.Where(t => !string.IsNullOrWhiteSpace(t.Priority)))
            {
                var target = new JsonObject { ["within"] = t.Within.Trim() };
                if (!string.IsNullOrWhiteSpace(t.Calendar))
                    target["calendar"] = t.Calendar;
                targets[t.Priority.Trim()] = target;
            }
            var clock = new JsonObject
            {
                ["name"] = c.Name.Trim(), ["description"] = c.Description.Trim(), ["startIn"] = Array(c.StartIn), ["pauseIn"] = Array(c.PauseIn),
                ["stopIn"] = Array(c.StopIn), ["resetIn"] = Array(c.ResetIn), ["targets"] = targets,
            };
            if (!string.IsNullOrWhiteSpace(c.Thresholds))
                clock["thresholds"] = Ladder(c.Thresholds);
            return (JsonNode)clock;
        }).ToArray());
        return json;
    }

    /// <summary>The priorities the policy names targets for, for the preview's choice.</summary>
    public IReadOnlyList<string> Priorities =>
        Clocks.SelectMany(c => c.Targets).Select(t => t.Priority.Trim()).Where(p => p.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();

    internal static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    internal static string List(JsonNode? node) => string.Join(", ", (node as JsonArray ?? []).Select(Text));

    internal static JsonArray Array(string text) =>
        new(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => (JsonNode)JsonValue.Create(s)).ToArray());

    /// <summary>The ladder as written: JSON when it reads as JSON, else the text itself, which the policy's check refuses at its field.</summary>
    private static JsonNode Ladder(string text)
    {
        try
        {
            return JsonNode.Parse(text) ?? JsonValue.Create(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
