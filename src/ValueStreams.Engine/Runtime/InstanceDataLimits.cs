using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// How much data an instance takes in one go (<c>ValueStreams:Limits</c>): a start input, an event's payload, a
/// task's form data, and the length of correlation ids and event names. Sizes are of the value's JSON in UTF-8 bytes,
/// so a text field of 100,000 characters fits the defaults whatever its alphabet.
/// </summary>
public sealed record InstanceDataLimits
{
    public const string Section = "ValueStreams:Limits";

    public int MaxInputBytes { get; init; } = 1024 * 1024;
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;
    public int MaxTaskDataBytes { get; init; } = 1024 * 1024;
    public int MaxCorrelationIdLength { get; init; } = 200;
    public int MaxEventNameLength { get; init; } = 200;

    /// <summary>Refuses a start whose input or correlation id is over its limit, naming the field.</summary>
    public void CheckStart(JsonNode? input, string? correlationId) =>
        Refuse("The instance was not started.", Size("input", input, MaxInputBytes, nameof(MaxInputBytes)),
            Length("correlationId", correlationId, MaxCorrelationIdLength, nameof(MaxCorrelationIdLength)));

    /// <summary>Refuses an event whose name, correlation id or payload is over its limit, naming the field.</summary>
    public void CheckEvent(string? name, string? correlationId, JsonNode? payload) =>
        Refuse("The event was not delivered.", Length("name", name, MaxEventNameLength, nameof(MaxEventNameLength)),
            Length("correlationId", correlationId, MaxCorrelationIdLength, nameof(MaxCorrelationIdLength)),
            Size("payload", payload, MaxPayloadBytes, nameof(MaxPayloadBytes)));

    /// <summary>Refuses task form data over its limit.</summary>
    public void CheckTaskData(JsonNode? data) =>
        Refuse("The task was not completed.", Size("data", data, MaxTaskDataBytes, nameof(MaxTaskDataBytes)));

    private static void Refuse(string title, params (string Path, string Message)?[] problems)
    {
        var errors = problems.OfType<(string Path, string Message)>().ToList();
        if (errors.Count > 0)
            throw new EngineException(EngineRefusal.Invalid, title, errors);
    }

    private static (string, string)? Size(string path, JsonNode? value, int limit, string setting)
    {
        if (value is null)
            return null;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value).Length;
        return bytes <= limit ? null : (path, $"is {Amount(bytes)}; at most {Amount(limit)} is accepted ({Section}:{setting})");
    }

    private static (string, string)? Length(string path, string? value, int limit, string setting) =>
        value is null || value.Length <= limit
            ? null
            : (path, $"is {value.Length.ToString("N0", CultureInfo.InvariantCulture)} characters long; at most {limit.ToString("N0", CultureInfo.InvariantCulture)} are accepted ({Section}:{setting})");

    private static string Amount(int bytes) => bytes >= 1024 * 1024
        ? $"{(bytes / (1024.0 * 1024)).ToString("0.##", CultureInfo.InvariantCulture)} MB"
        : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";
}
