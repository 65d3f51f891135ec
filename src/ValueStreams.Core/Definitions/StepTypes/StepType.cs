using System.Text.Json.Nodes;

namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>
/// A kind of step. Each type is a small class whose descriptor (inputs, ports, hints) feeds
/// <c>GET /api/step-types</c>, the JSON Schema and validation from one source.
/// </summary>
public abstract class StepType
{
    public abstract StepTypeDescriptor Descriptor { get; }

    /// <summary>The property of the step types that can run once per item of a list (human tasks, calls).</summary>
    public const string ForEachProperty = "forEach";

    public string Name => Descriptor.Type;

    /// <summary>The ports this step can leave by: the static ones, or those its properties name.</summary>
    public virtual IReadOnlyList<string> PortsOf(StepDefinition step) => Descriptor.Ports.Select(p => p.Name).ToList();

    /// <summary>A port the step may leave unconnected.</summary>
    public bool IsOptionalPort(string port) => Descriptor.Ports.Any(p => p.Optional && p.Name == port);

    /// <summary>Rules of this type beyond the descriptor's shapes; paths are relative to the step (e.g. <c>duration</c>).</summary>
    public virtual IEnumerable<StepIssue> Check(StepDefinition step) => [];

    protected static IEnumerable<string> StringsOf(JsonObject properties, string listName, string? field = null)
    {
        if (properties[listName] is not JsonArray items)
            yield break;
        foreach (var item in items)
        {
            var value = field is null ? item : (item as JsonObject)?[field];
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0)
                yield return text;
        }
    }

    protected static string? StringOf(JsonObject properties, string name) =>
        properties[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>A problem a step type finds in a step; <c>Path</c> is relative to the step.</summary>
public sealed record StepIssue(string Path, string Message);
