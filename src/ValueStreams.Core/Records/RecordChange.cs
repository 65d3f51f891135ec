using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ValueStreams.Core.Records;

/// <summary>One thing wrong with a record change: the field's name and what is wrong.</summary>
public sealed record RecordFieldError(string Field, string Message);

/// <summary>
/// A change to a record as people send it (a JSON object of field → value), checked against the kind: every field known
/// and writable, every value of its field's type and size, the state move allowed, the fields a state needs present.
/// The result is the record as it will be, derived fields set, and the names of the fields that changed.
/// </summary>
public sealed class RecordChange
{
    /// <summary>Fields every kind has, besides its own.</summary>
    public static readonly RecordField Title = new("title", "title", RecordFieldType.Text, "Title", MaxLength: 200, Required: true);

    public static readonly RecordField State = new("state", "state", RecordFieldType.Choice, "State");

    /// <summary>Fields the product sets and people only read.</summary>
    public static readonly IReadOnlySet<string> ProductFields = new HashSet<string>(StringComparer.Ordinal)
        { "id", "number", "createdAt", "createdBy", "updatedAt", "updatedBy", "revision", "instances", "links", "kind" };

    private RecordChange(IDictionary<string, object?> values, IReadOnlyList<string> changed, IReadOnlyList<RecordFieldError> errors)
    {
        Values = values;
        Changed = changed;
        Errors = errors;
    }

    /// <summary>The record as it will be: every field of the kind, title and state included.</summary>
    public IDictionary<string, object?> Values { get; }

    /// <summary>The fields whose value differs from before (on a new record, those with a value).</summary>
    public IReadOnlyList<string> Changed { get; }

    public IReadOnlyList<RecordFieldError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>Checks a change; <paramref name="current"/> is null for a new record.</summary>
    public static RecordChange Check(RecordKind kind, IReadOnlyDictionary<string, object?>? current, JsonObject? body, RecordSettings settings)
    {
        var descriptor = kind.Descriptor;
        var errors = new List<RecordFieldError>();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        values[Title.Name] = current?.GetValueOrDefault(Title.Name);
        values[State.Name] = current?.GetValueOrDefault(State.Name) ?? descriptor.InitialState;
        foreach (var field in descriptor.Fields)
            values[field.Name] = current?.GetValueOrDefault(field.Name);

        if (body is null)
            errors.Add(new RecordFieldError("", $"The body must be a JSON object with the {descriptor.Title.ToLowerInvariant()}'s fields."));
        else
            foreach (var (name, node) in body)
            {
                if (ProductFields.Contains(name))
                    errors.Add(new RecordFieldError(name, $"'{name}' is set by the product and cannot be written."));
                else if (name == State.Name)
                    ReadState(descriptor, current, node, values, errors);
                else if ((name == Title.Name ? Title : descriptor.Field(name)) is not { } field)
                    errors.Add(new RecordFieldError(name, $"{Capital(descriptor.WithArticle)} has no field '{name}'."));
                else if (field.Derived)
                    errors.Add(new RecordFieldError(name, $"'{name}' is derived from other fields and cannot be written."));
                else if (Read(field, node, out var value) is { } problem)
                    errors.Add(new RecordFieldError(name, problem));
                else
                    values[name] = value;
            }

        kind.Derive(values, settings);

        foreach (var field in descriptor.Fields.Prepend(Title))
        {
            if (errors.Any(e => e.Field == field.Name))
                continue;
            var missing = values[field.Name] is null or "";
            if (missing && field.Required)
                errors.Add(new RecordFieldError(field.Name, $"'{field.Name}' is required."));
            else if (missing && field.RequiredIn is { } states && states.Contains(values[State.Name] as string ?? ""))
                errors.Add(new RecordFieldError(field.Name, $"'{field.Name}' is required when the {descriptor.Name} is {values[State.Name]}."));
        }

        if (errors.Count == 0)
            errors.AddRange(kind.Check(values, current?.GetValueOrDefault(State.Name) as string));

        var changed = values.Where(v => current is null ? v.Value is not null : !Equals(current.GetValueOrDefault(v.Key), v.Value))
            .Select(v => v.Key).ToList();
        return new RecordChange(values, changed, errors);
    }

    private static void ReadState(RecordKindDescriptor descriptor, IReadOnlyDictionary<string, object?>? current, JsonNode? node,
        Dictionary<string, object?> values, List<RecordFieldError> errors)
    {
        var names = descriptor.States.Select(s => s.Name).ToList();
        if (node is not JsonValue v || !v.TryGetValue<string>(out var to) || !names.Contains(to))
        {
            errors.Add(new RecordFieldError(State.Name, $"'state' must be one of {string.Join(", ", names)}."));
            return;
        }
        var from = current?.GetValueOrDefault(State.Name) as string ?? descriptor.InitialState;
        if (current is not null && descriptor.States.First(s => s.Name == from).Final && to != from)
            errors.Add(new RecordFieldError(State.Name, $"{Capital(descriptor.WithArticle)} that is {from} cannot change state."));
        else if (!descriptor.CanMove(from, to))
        {
            var moves = descriptor.Transitions.Where(t => t.From == from).Select(t => t.To).ToList();
            errors.Add(new RecordFieldError(State.Name,
                $"{Capital(descriptor.WithArticle)} cannot go from {from} to {to}; from {from} it can go to {(moves.Count == 0 ? "nothing else" : string.Join(", ", moves))}."));
        }
        else
            values[State.Name] = to;
    }

    /// <summary>What a person sent, cut to 64 characters, for echoing it in a message about a record.</summary>
    public static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Reads a field's value from JSON; returns what is wrong, or null.</summary>
    private static string? Read(RecordField field, JsonNode? node, out object? value)
    {
        value = null;
        if (node is null)
            return null;
        if (node is not JsonValue json)
            return $"'{field.Name}' must be a single value, not {(node is JsonArray ? "a list" : "an object")}.";

        switch (field.Type)
        {
            case RecordFieldType.Boolean:
                if (json.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    value = json.GetValue<bool>();
                    return null;
                }
                return $"'{field.Name}' must be true or false.";
            case RecordFieldType.Number:
                if (json.GetValueKind() == JsonValueKind.Number)
                {
                    value = json.GetValue<double>();
                    return null;
                }
                return $"'{field.Name}' must be a number.";
        }

        if (!json.TryGetValue<string>(out var text))
            return $"'{field.Name}' must be text.";
        if (text.Length > field.MaxLength)
            return $"'{field.Name}' is {text.Length} characters long; it may be at most {field.MaxLength}.";
        switch (field.Type)
        {
            case RecordFieldType.Choice when field.Options is { } options && !options.Contains(text):
                return $"'{text}' is not one of {string.Join(", ", options)}.";
            case RecordFieldType.DateTime:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    return $"'{field.Name}' must be a date and time such as 2026-03-01T09:00:00Z.";
                value = at.ToUniversalTime();
                return null;
        }
        value = text.Length == 0 ? null : text;
        return null;
    }
}
