using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ValueStreams.Core.Definitions.Format;

/// <summary>
/// Reads a value stream file into the model, reporting every shape problem with its path. Input is
/// bounded (size, nesting, step and connection counts) so hostile files cost little to refuse.
/// </summary>
public static class ValueStreamReader
{
    public const int MaxBytes = 4 * 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxSteps = 2000;
    public const int MaxConnections = 8000;

    private static readonly HashSet<string> TopLevel =
        ["$schema", "id", "name", "description", "source", "variables", "outputs", "roles", "steps", "connections"];

    private static readonly HashSet<string> CommonStepProperties =
        ["id", "type", "name", "description", "valueChainActivities", "practices", "roles", "position"];

    public sealed record Result(ValueStreamDefinition? Definition, IReadOnlyList<DefinitionIssue> Errors)
    {
        public bool Succeeded => Definition is not null && Errors.Count == 0;
    }

    public static Result Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    public static Result Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
            return Fail("", "the file is empty");
        if (utf8.Length > MaxBytes)
            return Fail("", $"the file is {utf8.Length:N0} bytes; at most {MaxBytes:N0} are accepted");

        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            return Fail("", "not valid JSON: the file is not valid UTF-8 text");

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine})" : "";
            var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            return Fail(ex.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "", $"not valid JSON{where}: {reason}");
        }

        if (root is not JsonObject top)
            return Fail("", "a value stream file must be a JSON object");

        var errors = new List<DefinitionIssue>();
        var definition = new ValueStreamDefinition();
        foreach (var (key, _) in top)
            if (!TopLevel.Contains(key))
                errors.Add(new(key, "unknown property"));

        definition.Schema = String(top, "$schema", "$schema", errors, required: false) ?? ValueStreamDefinition.SchemaReference;
        definition.Id = String(top, "id", "id", errors, required: true) ?? "";
        definition.Name = String(top, "name", "name", errors, required: true) ?? "";
        definition.Description = String(top, "description", "description", errors, required: false);
        definition.Source = String(top, "source", "source", errors, required: false);

        foreach (var (item, path) in Objects(top, "variables", errors))
        {
            var name = String(item, "name", $"{path}.name", errors, required: true) ?? "";
            var type = String(item, "type", $"{path}.type", errors, required: true) ?? "";
            var description = String(item, "description", $"{path}.description", errors, required: false);
            Unknown(item, path, ["name", "type", "description", "default"], errors);
            definition.Variables.Add(new VariableDefinition(name, type, description, item["default"]?.DeepClone()));
        }

        foreach (var (item, path) in Objects(top, "outputs", errors))
        {
            Unknown(item, path, ["name", "type", "description"], errors);
            definition.Outputs.Add(new OutputDefinition(
                String(item, "name", $"{path}.name", errors, required: true) ?? "",
                String(item, "type", $"{path}.type", errors, required: false),
                String(item, "description", $"{path}.description", errors, required: false)));
        }

        foreach (var (item, path) in Objects(top, "roles", errors))
        {
            Unknown(item, path, ["id", "name", "group"], errors);
            definition.Roles.Add(new RoleDefinition(
                String(item, "id", $"{path}.id", errors, required: true) ?? "",
                String(item, "name", $"{path}.name", errors, required: true) ?? "",
                String(item, "group", $"{path}.group", errors, required: false)));
        }

        if (top["steps"] is JsonArray { Count: > MaxSteps } manySteps)
            return Fail("steps", $"{manySteps.Count:N0} steps; a value stream may have at most {MaxSteps:N0}");
        foreach (var (item, path) in Objects(top, "steps", errors, required: true))
            definition.Steps.Add(ReadStep(item, path, errors));

        if (top["connections"] is JsonArray { Count: > MaxConnections } manyConnections)
            return Fail("connections", $"{manyConnections.Count:N0} connections; at most {MaxConnections:N0} are accepted");
        foreach (var (item, path) in Objects(top, "connections", errors))
        {
            Unknown(item, path, ["from", "port", "to"], errors);
            definition.Connections.Add(new ConnectionDefinition(
                String(item, "from", $"{path}.from", errors, required: true) ?? "",
                String(item, "to", $"{path}.to", errors, required: true) ?? "",
                String(item, "port", $"{path}.port", errors, required: false) ?? ConnectionDefinition.DefaultPort));
        }

        return new Result(definition, errors);
    }

    private static StepDefinition ReadStep(JsonObject item, string path, List<DefinitionIssue> errors)
    {
        var step = new StepDefinition
        {
            Id = String(item, "id", $"{path}.id", errors, required: true) ?? "",
            Type = String(item, "type", $"{path}.type", errors, required: true) ?? "",
            Name = String(item, "name", $"{path}.name", errors, required: true) ?? "",
            Description = String(item, "description", $"{path}.description", errors, required: false),
            ValueChainActivities = Strings(item, "valueChainActivities", path, errors),
            Practices = Strings(item, "practices", path, errors),
            Roles = Strings(item, "roles", path, errors),
        };

        if (item["position"] is JsonObject position)
        {
            Unknown(position, $"{path}.position", ["x", "y"], errors);
            step.Position = new CanvasPosition(Integer(position, "x", $"{path}.position.x", errors), Integer(position, "y", $"{path}.position.y", errors));
        }
        else if (item["position"] is null)
        {
            step.HasPosition = false; // the designer lays it out
        }
        else
        {
            errors.Add(new($"{path}.position", "must be an object { \"x\": …, \"y\": … }"));
        }

        foreach (var (key, value) in item)
            if (!CommonStepProperties.Contains(key))
                step.Properties[key] = value?.DeepClone();
        return step;
    }

    private static Result Fail(string path, string message) => new(null, [new DefinitionIssue(path, message)]);

    private static void Unknown(JsonObject item, string path, string[] known, List<DefinitionIssue> errors)
    {
        foreach (var (key, _) in item)
            if (!known.Contains(key))
                errors.Add(new($"{path}.{key}", "unknown property"));
    }

    private static string? String(JsonObject item, string name, string path, List<DefinitionIssue> errors, bool required)
    {
        switch (item[name])
        {
            case null when !required:
                return null;
            case null:
                errors.Add(new(path, "required"));
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (required && text.Length == 0)
                    errors.Add(new(path, "must not be empty"));
                return text;
            default:
                errors.Add(new(path, "must be a string"));
                return null;
        }
    }

    private static int Integer(JsonObject item, string name, string path, List<DefinitionIssue> errors)
    {
        if (item[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number))
            return number;
        if (item[name] is JsonValue rounded && rounded.GetValueKind() == JsonValueKind.Number && rounded.TryGetValue<double>(out var real)
            && real is > int.MinValue and < int.MaxValue)
            return (int)Math.Round(real);
        errors.Add(new(path, item[name] is null ? "required" : "must be an integer"));
        return 0;
    }

    private static List<string> Strings(JsonObject item, string name, string stepPath, List<DefinitionIssue> errors)
    {
        var path = $"{stepPath}.{name}";
        var list = new List<string>();
        switch (item[name])
        {
            case null:
                return list;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        list.Add(v.GetValue<string>());
                    else
                    {
                        errors.Add(new($"{path}[{i}]", "must be a string"));
                        list.Add(""); // keeps later items at the index the file gives them
                    }
                }
                return list;
            default:
                errors.Add(new(path, "must be an array of strings"));
                return list;
        }
    }

    private static IEnumerable<(JsonObject Item, string Path)> Objects(JsonObject top, string name, List<DefinitionIssue> errors, bool required = false)
    {
        switch (top[name])
        {
            case null:
                if (required)
                    errors.Add(new(name, "required"));
                yield break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject item)
                        yield return (item, $"{name}[{i}]");
                    else
                        errors.Add(new($"{name}[{i}]", "must be an object"));
                }
                yield break;
            default:
                errors.Add(new(name, "must be an array"));
                yield break;
        }
    }
}
