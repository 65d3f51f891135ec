using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Core.Records;

namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>A left side the builder offers: what it reads, how it is called, the kind of value it holds and, for choices, its options.</summary>
/// <param name="Options">The choices (values written to the file), each with the text people see.</param>
public sealed record ConditionSubjectOption(ConditionSubject Subject, string Label, ConditionValueType Type, IReadOnlyList<ConditionChoice> Options);

/// <summary>One choice of a choice subject: its value in the file and its label.</summary>
public sealed record ConditionChoice(string Value, string Label);

/// <summary>
/// What a step's conditions can be about: for a decision, the stream's declared variables, the form fields of the tasks before
/// it (a form field is stored in the variable of its name), those tasks' outcomes and the fields of records that earlier
/// look-ups found; for a start that waits for a record, the record's fields (they are its variables).
/// </summary>
public static class ConditionSubjects
{
    public static IReadOnlyList<ConditionSubjectOption> For(ValueStreamDefinition definition, string stepId)
    {
        var step = definition.FindStep(stepId);
        if (step is null)
            return [];
        if (step.Type == "start")
            return RecordFields(Text(step.Properties["recordType"]), (field, label) => (new(ConditionScope.Variable, field), label));

        var options = new List<ConditionSubjectOption>();
        var before = Earlier(definition, step).ToList();
        var earlier = before.Where(s => s.Type is "human-task" or "start").ToList();
        // A form field says more than a declared variable of the same name (its label, its choices), so forms come first.
        foreach (var task in earlier.Where(t => t.Properties[StepType.ForEachProperty] is null))
            foreach (var field in (task.Properties["form"] as JsonArray ?? []).OfType<JsonObject>())
                if (Text(field["name"]) is { Length: > 0 } name && FormFieldType(Text(field["type"])) is { } type)
                    options.Add(new(new(ConditionScope.Variable, name), $"{Text(field["label"]) ?? name} ({task.Name})", type,
                        Strings(field["options"]).Select(o => new ConditionChoice(o, o)).ToList()));
        foreach (var variable in definition.Variables)
            if (VariableType(variable.Type) is { } type)
                options.Add(new(new(ConditionScope.Variable, variable.Name), $"{variable.Name} (variable)", type, []));
        foreach (var task in earlier.Where(t => t.Type == "human-task"))
        {
            var outcomes = (task.Properties["outcomes"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(o => Text(o["id"]) is { Length: > 0 })
                .Select(o => new ConditionChoice(Text(o["id"])!, Text(o["label"]) ?? Text(o["id"])!))
                .ToList();
            if (outcomes.Count > 0)
                options.Add(new(new(ConditionScope.Outcome, task.Id), $"Outcome of {task.Name}", ConditionValueType.Choice, outcomes));
        }
        foreach (var lookup in before.Where(s => s.Type == "lookup-record"))
            if (Text(lookup.Properties["resultVariable"]) is { Length: > 0 } variable)
                options.AddRange(RecordFields(Text(lookup.Properties["recordType"]),
                    (field, label) => (new(ConditionScope.Variable, variable, field), $"{label} of the record {lookup.Name} found")));
        return options.DistinctBy(o => o.Subject).ToList();
    }

    /// <summary>
    /// The steps a way leads from to this one, nearest first; a step nothing leads to yet (still being drawn) sees every step,
    /// so that its conditions can be built before it is connected.
    /// </summary>
    private static IEnumerable<StepDefinition> Earlier(ValueStreamDefinition definition, StepDefinition step)
    {
        if (definition.Connections.All(c => c.To != step.Id))
            return definition.Steps.Where(s => s.Id != step.Id);
        var seen = new HashSet<string> { step.Id };
        var found = new List<StepDefinition>();
        var queue = new Queue<string>([step.Id]);
        while (queue.TryDequeue(out var id))
            foreach (var from in definition.Connections.Where(c => c.To == id).Select(c => c.From))
                if (seen.Add(from) && definition.FindStep(from) is { } before)
                {
                    found.Add(before);
                    queue.Enqueue(from);
                }
        return found;
    }

    /// <summary>A record's state, number and fields, each named by <paramref name="subject"/> from the field's name and label.</summary>
    private static IReadOnlyList<ConditionSubjectOption> RecordFields(string? recordType, Func<string, string, (ConditionSubject Subject, string Label)> subject)
    {
        if (recordType is null || RecordKindCatalogue.Find(recordType) is not { } kind)
            return [];
        ConditionSubjectOption Option(string field, string label, ConditionValueType type, IReadOnlyList<ConditionChoice> choices)
        {
            var (named, text) = subject(field, label);
            return new(named, text, type, choices);
        }
        return
        [
            Option("state", "State", ConditionValueType.Choice, [.. kind.Descriptor.States.Select(s => new ConditionChoice(s.Name, s.Label))]),
            Option("number", "Number", ConditionValueType.Text, []),
            .. kind.Descriptor.Fields.Select(f => Option(f.Name, f.Label, RecordFieldType(f.Type), [.. (f.Options ?? []).Select(o => new ConditionChoice(o, o))])),
        ];
    }

    private static ConditionValueType RecordFieldType(Core.Records.RecordFieldType type) => type switch
    {
        Core.Records.RecordFieldType.Choice => ConditionValueType.Choice,
        Core.Records.RecordFieldType.Boolean => ConditionValueType.YesNo,
        Core.Records.RecordFieldType.Number => ConditionValueType.Number,
        Core.Records.RecordFieldType.DateTime => ConditionValueType.Date,
        _ => ConditionValueType.Text,
    };

    /// <summary>Multi-choice fields hold lists, which the builder does not compare.</summary>
    private static ConditionValueType? FormFieldType(string? type) => type switch
    {
        "text" or "multiline" or "user" or "record" => ConditionValueType.Text,
        "number" => ConditionValueType.Number,
        "checkbox" => ConditionValueType.YesNo,
        "choice" => ConditionValueType.Choice,
        "date-time" => ConditionValueType.Date,
        _ => null,
    };

    /// <summary>Objects and lists are not compared by the builder.</summary>
    private static ConditionValueType? VariableType(string type) => type switch
    {
        "string" => ConditionValueType.Text,
        "number" => ConditionValueType.Number,
        "boolean" => ConditionValueType.YesNo,
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(Text).OfType<string>();
}
