using System.Text.Json.Nodes;
using ValueStreams.Core.Records;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// Create-, update- and lookup-record steps name fields of a record kind: each must be a field the kind has and may be
/// written (or, for a lookup, read). A kind the catalogue does not hold is refused by the recordType check.
/// </summary>
internal static class RecordStepRules
{
    private static readonly Dictionary<string, string> FieldLists = new(StringComparer.Ordinal)
    {
        ["create-record"] = "values",
        ["update-record"] = "values",
        ["lookup-record"] = "filters",
    };

    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            var step = context.Steps[i];
            if (!FieldLists.TryGetValue(step.Type, out var list)
                || StepPropertyRules.AsString(step.Properties["recordType"]) is not { } type
                || RecordKindCatalogue.Find(type) is not { } kind
                || step.Properties[list] is not JsonArray entries)
                continue;
            var lookup = step.Type == "lookup-record";
            for (var j = 0; j < entries.Count; j++)
            {
                if (entries[j] is not JsonObject entry || StepPropertyRules.AsString(entry["field"]) is not { } name)
                    continue;
                var path = $"{ValidationContext.StepPath(i)}.{list}[{j}].field";
                var field = name == RecordChange.Title.Name ? RecordChange.Title : kind.Descriptor.Field(name);
                if (name == RecordChange.State.Name || (lookup && name is "id" or "number"))
                    continue;
                if (field is null)
                    context.Error(path, $"{kind.Descriptor.WithArticle} has no field '{name}'; its fields are {string.Join(", ", FieldNames(kind))}");
                else if (field.Derived && !lookup)
                    context.Error(path, $"'{name}' of {kind.Descriptor.WithArticle} is derived from other fields and cannot be written");
            }
        }
    }

    private static IEnumerable<string> FieldNames(RecordKind kind) =>
        kind.Descriptor.Fields.Select(f => f.Name).Prepend(RecordChange.State.Name).Prepend(RecordChange.Title.Name);
}
