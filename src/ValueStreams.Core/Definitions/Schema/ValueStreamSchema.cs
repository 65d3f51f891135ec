using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Core.Definitions.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of a value stream file, generated from <see cref="StepTypeCatalogue.Descriptors"/>
/// and the fields every step has, so editors and the validator agree on one source. The shipped copy is
/// <c>workflows/schema/value-stream.schema.json</c>; a test keeps it equal to <see cref="Generate"/>.
/// </summary>
public static class ValueStreamSchema
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Where the shipped copy lives, relative to the repository root.</summary>
    public static readonly string RepositoryPath = Path.Combine("workflows", "schema", "value-stream.schema.json");

    private const string DurationPattern = @"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The schema document: 2-space indent, LF line ends and a trailing newline; the same bytes every time.</summary>
    public static string Generate() => Document().ToJsonString(Output) + "\n";

    private static JsonObject Document()
    {
        var descriptors = StepTypeCatalogue.Descriptors;
        var definitions = new JsonObject
        {
            ["id"] = Id("Lower-case kebab-case id"),
            ["nonEmptyString"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
            ["stringSet"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 }, ["uniqueItems"] = true },
            ["variable"] = Variable(),
            ["output"] = DeclaredOutput(),
            ["role"] = Role(),
            ["position"] = Position(),
            ["connection"] = Connection(),
            ["step"] = Step(descriptors),
        };
        foreach (var descriptor in descriptors)
            definitions[StepDefinitionName(descriptor)] = StepOfType(descriptor);

        return new JsonObject
        {
            ["$schema"] = Dialect,
            ["$comment"] = "Generated from the step type descriptors by ValueStreamSchema.Generate(); do not edit by hand.",
            ["title"] = "Value stream",
            ["description"] = "A value stream: steps joined by connections from named ports.",
            ["type"] = "object",
            ["required"] = Strings("id", "name", "steps"),
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "Where editors find this schema" },
                ["id"] = Ref("id"),
                ["name"] = Ref("nonEmptyString"),
                ["description"] = new JsonObject { ["type"] = "string" },
                ["source"] = new JsonObject { ["type"] = "string", ["description"] = "Where the stream comes from, e.g. \"ITIL 4 A.1.1\"" },
                ["variables"] = ArrayOf(Ref("variable")),
                ["outputs"] = ArrayOf(Ref("output")),
                ["roles"] = ArrayOf(Ref("role")),
                ["steps"] = ArrayOf(Ref("step"), ValueStreamReader.MaxSteps),
                ["connections"] = ArrayOf(Ref("connection"), ValueStreamReader.MaxConnections),
            },
            ["additionalProperties"] = false,
            ["$defs"] = definitions,
        };
    }

    private static JsonObject Variable() => Closed(
        "A named value an instance carries from step to step",
        ["name", "type"],
        new JsonObject
        {
            ["name"] = Ref("nonEmptyString"),
            ["type"] = new JsonObject { ["enum"] = Strings([.. VariableDefinition.Types]) },
            ["description"] = new JsonObject { ["type"] = "string" },
            ["default"] = new JsonObject { ["description"] = "Initial value" },
        });

    private static JsonObject DeclaredOutput() => Closed(
        "A value the stream gives back to a caller that waits for it: its variable of the same name when it completes",
        ["name"],
        new JsonObject
        {
            ["name"] = Ref("nonEmptyString"),
            ["type"] = new JsonObject { ["enum"] = Strings([.. VariableDefinition.Types]) },
            ["description"] = new JsonObject { ["type"] = "string" },
        });

    private static JsonObject Role() => Closed(
        "An organisation-defined role, optionally mapped to the group whose members act in it",
        ["id", "name"],
        new JsonObject
        {
            ["id"] = Ref("nonEmptyString"),
            ["name"] = Ref("nonEmptyString"),
            ["group"] = new JsonObject { ["type"] = "string" },
        });

    private static JsonObject Position() => Closed(
        "Where the step sits on the designer's canvas, in whole pixels; without it the designer lays the step out",
        ["x", "y"],
        new JsonObject { ["x"] = new JsonObject { ["type"] = "integer" }, ["y"] = new JsonObject { ["type"] = "integer" } });

    private static JsonObject Connection() => Closed(
        "A connection from a step's port to another step",
        ["from", "to"],
        new JsonObject
        {
            ["from"] = Ref("nonEmptyString"),
            ["port"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["default"] = ConnectionDefinition.DefaultPort },
            ["to"] = Ref("nonEmptyString"),
        });

    /// <summary>Any step: its type picks the type's own schema.</summary>
    private static JsonObject Step(IReadOnlyList<StepTypeDescriptor> descriptors)
    {
        var cases = new JsonArray();
        foreach (var descriptor in descriptors)
            cases.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = descriptor.Type } },
                    ["required"] = Strings("type"),
                },
                ["then"] = Ref(StepDefinitionName(descriptor)),
            });
        return new JsonObject
        {
            ["description"] = "A step; its type decides which properties it has",
            ["type"] = "object",
            ["required"] = Strings("id", "type", "name"),
            ["properties"] = new JsonObject { ["type"] = new JsonObject { ["enum"] = Strings([.. descriptors.Select(d => d.Type)]) } },
            ["allOf"] = cases,
        };
    }

    /// <summary>A step of one type: the common fields plus the type's inputs, and nothing else.</summary>
    private static JsonObject StepOfType(StepTypeDescriptor descriptor)
    {
        var properties = new JsonObject
        {
            ["id"] = Id("Step id, unique in the stream"),
            ["type"] = new JsonObject { ["const"] = descriptor.Type },
            ["name"] = Ref("nonEmptyString"),
            ["description"] = new JsonObject { ["type"] = "string" },
            ["valueChainActivities"] = Ref("stringSet"),
            ["practices"] = Ref("stringSet"),
            ["roles"] = Ref("stringSet"),
        };
        foreach (var input in descriptor.Inputs)
            properties[input.Name] = Input(input);
        properties["position"] = Ref("position");

        string[] required = ["id", "type", "name", .. descriptor.Inputs.Where(i => i.Required).Select(i => i.Name)];
        var schema = Closed(descriptor.Description, required, properties);
        schema.Insert(0, "title", descriptor.DisplayName);
        return schema;
    }

    private static JsonObject Input(InputDescriptor input)
    {
        var schema = new JsonObject { ["description"] = input.Description };
        switch (input.Kind)
        {
            case InputKind.String or InputKind.Text or InputKind.Template or InputKind.Expression:
                schema["type"] = "string";
                if (input.Required)
                    schema["minLength"] = 1;
                break;
            case InputKind.Duration:
                schema["type"] = "string";
                schema["format"] = "duration";
                schema["pattern"] = DurationPattern;
                break;
            case InputKind.Integer:
                schema["type"] = "integer";
                break;
            case InputKind.Number:
                schema["type"] = "number";
                break;
            case InputKind.Boolean:
                schema["type"] = "boolean";
                break;
            case InputKind.Enum:
                schema["type"] = "string";
                schema["enum"] = Strings([.. input.Options ?? []]);
                break;
            case InputKind.StringList:
                schema["type"] = "array";
                schema["items"] = Ref("nonEmptyString");
                break;
            case InputKind.Object:
                schema["type"] = "object";
                AddFields(schema, input.Fields ?? []);
                break;
            case InputKind.ObjectList:
                schema["type"] = "array";
                var item = new JsonObject { ["type"] = "object" };
                AddFields(item, input.Fields ?? []);
                schema["items"] = item;
                break;
            case InputKind.Json:
                break;
            default:
                throw new InvalidOperationException($"Input kind {input.Kind} has no schema.");
        }
        return schema;
    }

    private static void AddFields(JsonObject schema, IReadOnlyList<InputDescriptor> fields)
    {
        var properties = new JsonObject();
        foreach (var field in fields)
            properties[field.Name] = Input(field);
        var required = fields.Where(f => f.Required).Select(f => f.Name).ToArray();
        if (required.Length > 0)
            schema["required"] = Strings(required);
        schema["properties"] = properties;
        schema["additionalProperties"] = false;
    }

    private static JsonObject Closed(string description, string[] required, JsonObject properties) => new()
    {
        ["description"] = description,
        ["type"] = "object",
        ["required"] = Strings(required),
        ["properties"] = properties,
        ["additionalProperties"] = false,
    };

    private static JsonObject Id(string description) => new()
    {
        ["description"] = description,
        ["type"] = "string",
        ["pattern"] = IdentifierRules.KebabCasePattern,
        ["maxLength"] = IdentifierRules.MaxIdLength,
    };

    private static JsonObject ArrayOf(JsonNode items, int? maxItems = null)
    {
        var array = new JsonObject { ["type"] = "array", ["items"] = items };
        if (maxItems is { } max)
            array["maxItems"] = max;
        return array;
    }

    private static JsonObject Ref(string definition) => new() { ["$ref"] = $"#/$defs/{definition}" };

    private static JsonArray Strings(params string[] items) => new([.. items.Select(i => (JsonNode)JsonValue.Create(i))]);

    private static string StepDefinitionName(StepTypeDescriptor descriptor) => $"step-{descriptor.Type}";
}
