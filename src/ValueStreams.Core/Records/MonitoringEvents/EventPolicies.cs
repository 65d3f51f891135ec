using System.Text.Json.Nodes;

namespace ValueStreams.Core.Records.MonitoringEvents;

/// <summary>What an event of one severity leads to: an incident or not, and the incident's impact and urgency.</summary>
public sealed class EventPolicy
{
    public bool OpenIncident { get; set; }

    public string Impact { get; set; } = "medium";

    public string Urgency { get; set; } = "high";
}

/// <summary>
/// Event policies by severity, from <c>ValueStreams:Records:EventPolicies</c>
/// (<c>ValueStreams__Records__EventPolicies__warning__OpenIncident=true</c>). By default an exception opens an incident
/// of medium impact and high urgency, and warnings and informational events open none.
/// </summary>
public sealed class EventPolicySettings
{
    public Dictionary<string, EventPolicy> EventPolicies { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["exception"] = new EventPolicy { OpenIncident = true, Impact = "medium", Urgency = "high" },
    };
}

/// <summary>
/// Applies the event policies: a new monitoring event whose severity's policy says so, and that names no incident yet,
/// opens an incident about the same service and configuration item, and the event's <c>incident</c> field names it.
/// </summary>
public sealed class EventPolicies(EventPolicySettings settings) : IRecordPolicy
{
    public IEnumerable<RecordFollowUp> FollowUps(string kind, JsonObject fields)
    {
        if (kind != MonitoringEventKind.Name || Text(fields, "incident") is not null
            || Text(fields, "severity") is not { } severity
            || !settings.EventPolicies.TryGetValue(severity, out var policy) || !policy.OpenIncident)
            yield break;

        var title = $"{severity} event: {Text(fields, "title")}";
        var incident = new JsonObject
        {
            ["title"] = title.Length > RecordChange.Title.MaxLength ? title[..RecordChange.Title.MaxLength] : title,
            ["description"] = Text(fields, "message"),
            ["category"] = "monitoring event",
            ["impact"] = policy.Impact,
            ["urgency"] = policy.Urgency,
        };
        foreach (var shared in (string[])["service", "configurationItem"])
            if (Text(fields, shared) is { } value)
                incident[shared] = value;
        yield return new RecordFollowUp("incident", incident, "incident");
    }

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
