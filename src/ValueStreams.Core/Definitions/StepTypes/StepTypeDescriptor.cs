namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>
/// What a step is in the value stream: the demand that starts it, a value milestone, an activity
/// (work someone or something does) or control flow (decisions, forks, joins, waits, the end).
/// </summary>
public enum StepKind { Demand, Value, Activity, Control }

/// <summary>The kinds of value a step property can hold; they drive the schema, validation and the designer's editors.</summary>
public enum InputKind
{
    String, Text, Integer, Number, Boolean, Enum, StringList, Duration, Expression, Template, Object, ObjectList, Json,
}

/// <summary>
/// One property of a step type (or a field of an object property). <see cref="UiHint"/> names the editor the designer
/// gives it beyond its kind's own (see <see cref="UiHints"/>).
/// </summary>
public sealed record InputDescriptor(
    string Name,
    InputKind Kind,
    string Description,
    bool Required = false,
    IReadOnlyList<string>? Options = null,
    IReadOnlyList<InputDescriptor>? Fields = null,
    string? UiHint = null);

/// <summary>
/// A named way out of a step. Dynamic ports are named by the step's own properties (outcomes, conditions, branches).
/// An optional port (such as <c>error</c>) may be left unconnected; the step then behaves as if it had none.
/// </summary>
public sealed record PortDescriptor(string Name, string Description, bool Optional = false);

/// <summary>Everything the designer, the schema and validation know about a step type.</summary>
public sealed record StepTypeDescriptor(
    string Type,
    string DisplayName,
    string Category,
    string Description,
    StepKind Kind,
    bool Automated,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<PortDescriptor> Ports,
    string? DynamicPorts,
    string Icon);

/// <summary>Editors a property can ask for beyond its kind's own.</summary>
public static class UiHints
{
    /// <summary>A group of the directory, chosen from a list.</summary>
    public const string Group = "group";

    /// <summary>An assignee rule (<c>initiator</c>, <c>user:</c>, <c>variable:</c>), chosen from a list.</summary>
    public const string Assignee = "assignee";
}
