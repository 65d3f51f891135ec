using System.Text.Json.Nodes;

namespace ValueStreams.Core.Definitions;

/// <summary>
/// A value stream as its file describes it: steps joined by connections from named ports.
/// The model is what the file says, checked or not; <see cref="Validation.ValueStreamValidator"/> says whether it can run.
/// </summary>
public sealed class ValueStreamDefinition
{
    /// <summary>Where editors find the JSON Schema, relative to a file in <c>workflows/</c>.</summary>
    public const string SchemaReference = "schema/value-stream.schema.json";

    public string Schema { get; set; } = SchemaReference;
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>Where the stream comes from, e.g. "ITIL 4 A.1.1".</summary>
    public string? Source { get; set; }

    public List<VariableDefinition> Variables { get; set; } = [];

    /// <summary>What the stream gives back to a stream that calls it and waits: variables of the same name, when it completes.</summary>
    public List<OutputDefinition> Outputs { get; set; } = [];
    public List<RoleDefinition> Roles { get; set; } = [];
    public List<StepDefinition> Steps { get; set; } = [];
    public List<ConnectionDefinition> Connections { get; set; } = [];

    public StepDefinition? FindStep(string id) => Steps.Find(s => s.Id == id);
}

/// <summary>A named value an instance carries from step to step.</summary>
public sealed record VariableDefinition(string Name, string Type, string? Description = null, JsonNode? Default = null)
{
    public static IReadOnlyList<string> Types { get; } = ["string", "number", "boolean", "object", "list"];
}

/// <summary>
/// A value the stream declares it gives back to its caller: on completion, the value of its variable of the same name.
/// A call step maps it to a variable of the caller (its <c>output</c> property).
/// </summary>
public sealed record OutputDefinition(string Name, string? Type = null, string? Description = null);

/// <summary>An organisation-defined role (the book's roles are examples), optionally mapped to the group whose members act in it.</summary>
public sealed record RoleDefinition(string Id, string Name, string? Group = null);

/// <summary>One step: what it is (type), where it sits in the value chain, who does it, and its type's own properties.</summary>
public sealed class StepDefinition
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<string> ValueChainActivities { get; set; } = [];
    public List<string> Practices { get; set; } = [];
    public List<string> Roles { get; set; } = [];

    /// <summary>The step type's own properties (see its descriptor), as written in the file.</summary>
    public JsonObject Properties { get; set; } = [];

    /// <summary>Where the step sits on the canvas; setting it marks the step as placed.</summary>
    public CanvasPosition Position
    {
        get => _position;
        set
        {
            _position = value;
            HasPosition = true;
        }
    }

    private CanvasPosition _position;

    /// <summary>
    /// False for a step read from a file that gives it no <c>position</c>: such a file is valid, keeps no position when
    /// written again, and the designer lays its steps out when it opens the stream.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasPosition { get; set; } = true;
}

/// <summary>Where a step sits on the designer's canvas, in whole pixels.</summary>
public readonly record struct CanvasPosition(int X, int Y);

/// <summary>A connection from a step's port to another step.</summary>
public sealed record ConnectionDefinition(string From, string To, string Port = ConnectionDefinition.DefaultPort)
{
    public const string DefaultPort = "done";
}
