using System.Text.Json.Nodes;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Builds small value stream files for engine tests: every step gets the roles, value chain activities and
/// position the validator wants, so a test states only the flow it is about.
/// Roles: <c>requester</c> (no group), <c>desk</c> (service-desk), <c>network</c> (network-support).
/// </summary>
internal sealed class StreamFile(string id, string? name = null)
{
    private static readonly HashSet<string> ActivityTypes =
    [
        "human-task", "set-variables", "create-record", "update-record", "lookup-record", "notify", "http-request", "script", "call-value-stream",
    ];

    private static readonly Dictionary<string, string> RoleOfGroup = new()
    {
        ["service-desk"] = "desk",
        ["network-support"] = "network",
    };

    private readonly JsonArray _variables = [];
    private readonly JsonArray _steps = [];
    private readonly JsonArray _connections = [];
    private int _x;

    public string Id { get; } = id;

    public StreamFile Variable(string variable, string type, JsonNode? @default = null)
    {
        var item = new JsonObject { ["name"] = variable, ["type"] = type };
        if (@default is not null)
            item["default"] = @default;
        _variables.Add(item);
        return this;
    }

    /// <summary>A step of any type; <paramref name="properties"/> are the type's own properties.</summary>
    public StreamFile Step(string stepId, string type, JsonObject? properties = null, string[]? roles = null)
    {
        var step = new JsonObject
        {
            ["id"] = stepId,
            ["type"] = type,
            ["name"] = $"Step {stepId}",
            ["valueChainActivities"] = new JsonArray(ActivityTypes.Contains(type) ? ["deliver-and-support"] : Array.Empty<JsonNode?>()),
            ["practices"] = new JsonArray(),
            ["roles"] = new JsonArray((roles ?? (type is "start" or "milestone" ? ["requester"] : [])).Select(r => (JsonNode?)r).ToArray()),
        };
        foreach (var (key, value) in properties ?? [])
            step[key] = value?.DeepClone();
        step["position"] = new JsonObject { ["x"] = _x, ["y"] = 0 };
        _x += 200;
        _steps.Add(step);
        return this;
    }

    public StreamFile Start(string stepId = "start") => Step(stepId, "start", new JsonObject { ["trigger"] = "manual" });

    public StreamFile Milestone(string stepId = "value") => Step(stepId, "milestone", new JsonObject { ["value"] = $"Value at {stepId}" });

    public StreamFile End(string stepId = "end") => Step(stepId, "end");

    /// <summary>A human task for a group; the first outcome is the expected one.</summary>
    public StreamFile Task(string stepId, string group = "service-desk", string[]? outcomes = null, JsonArray? form = null, string? assignee = null)
    {
        var properties = new JsonObject
        {
            ["title"] = $"Task {stepId}",
            ["group"] = group,
            ["outcomes"] = new JsonArray((outcomes ?? ["done"]).Select(o => (JsonNode?)new JsonObject { ["id"] = o, ["label"] = o }).ToArray()),
        };
        if (form is not null)
            properties["form"] = form;
        if (assignee is not null)
            properties["assignee"] = assignee;
        return Step(stepId, "human-task", properties, [RoleOfGroup[group]]);
    }

    public StreamFile Script(string stepId, string script) => Step(stepId, "script", new JsonObject { ["script"] = script });

    public StreamFile SetVariables(string stepId, params (string Variable, string Expression)[] assignments) =>
        Step(stepId, "set-variables", new JsonObject { ["assignments"] = Pairs("variable", assignments) });

    public StreamFile Timer(string stepId, string duration) => Step(stepId, "timer", new JsonObject { ["duration"] = duration });

    public StreamFile WaitEvent(string stepId, string eventName) => Step(stepId, "wait-event", new JsonObject { ["event"] = eventName });

    public StreamFile Fork(string stepId, params string[] branches) =>
        Step(stepId, "fork", new JsonObject { ["branches"] = new JsonArray(branches.Select(b => (JsonNode?)b).ToArray()) });

    public StreamFile Join(string stepId, string mode, int? count = null)
    {
        var properties = new JsonObject { ["mode"] = mode };
        if (count is { } n)
            properties["count"] = n;
        return Step(stepId, "join", properties);
    }

    /// <summary>Sets one property of a step already added.</summary>
    public StreamFile WithProperty(string stepId, string property, JsonNode value)
    {
        var step = _steps.OfType<JsonObject>().Single(s => s["id"]!.GetValue<string>() == stepId);
        var position = step["position"]!.DeepClone();
        step.Remove("position");
        step[property] = value;
        step["position"] = position;
        return this;
    }

    public StreamFile Connect(string from, string to, string port = "done")
    {
        _connections.Add(new JsonObject { ["from"] = from, ["port"] = port, ["to"] = to });
        return this;
    }

    /// <summary>Connects each step to the next by its <c>done</c> port.</summary>
    public StreamFile Chain(params string[] stepIds)
    {
        for (var i = 1; i < stepIds.Length; i++)
            Connect(stepIds[i - 1], stepIds[i]);
        return this;
    }

    public static JsonArray Pairs(string key, params (string Key, string Expression)[] pairs) =>
        new(pairs.Select(p => (JsonNode?)new JsonObject { [key] = p.Key, ["expression"] = p.Expression }).ToArray());

    public string ToJson() => new JsonObject
    {
        ["$schema"] = "schema/value-stream.schema.json",
        ["id"] = Id,
        ["name"] = name ?? $"Engine test {Id}",
        ["variables"] = _variables.DeepClone(),
        ["roles"] = new JsonArray(
            new JsonObject { ["id"] = "requester", ["name"] = "Requester" },
            new JsonObject { ["id"] = "desk", ["name"] = "Service desk agent", ["group"] = "service-desk" },
            new JsonObject { ["id"] = "network", ["name"] = "Network engineer", ["group"] = "network-support" }),
        ["steps"] = _steps.DeepClone(),
        ["connections"] = _connections.DeepClone(),
    }.ToJsonString();
}
