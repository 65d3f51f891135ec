using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Designer.Shared;

/// <summary>An instance's journal events, record roles and values in plain words, as the task and instance pages show them.</summary>
public static class InstanceWords
{
    public static string EventLabel(string journalEvent) => journalEvent switch
    {
        JournalEntry.ServiceLevelMissed => "Service-level target missed",
        _ => Sentence(journalEvent),
    };

    /// <summary>What the value stream did with the record.</summary>
    public static string RoleLabel(string role) => role switch
    {
        "started" => "Started this value stream",
        "created" => "Created by this value stream",
        "updated" => "Updated by this value stream",
        "read" => "Read by this value stream",
        _ => Sentence(role),
    };

    public static string Sentence(string id) => id.Length == 0 ? id : char.ToUpperInvariant(id[0]) + id[1..].Replace('-', ' ');

    /// <summary>A variable's value: text as it is, anything else as JSON.</summary>
    public static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>A text field of a record as listed (number, title, state…), or empty.</summary>
    public static string Field(JsonObject record, string name) =>
        record[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
}
