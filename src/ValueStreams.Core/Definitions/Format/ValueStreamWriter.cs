using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Format;

/// <summary>
/// Writes the canonical form of a value stream file, so that formatting is idempotent, import then
/// export is byte-identical and a review diff shows only what changed: fixed property order, 2-space
/// indent, LF, trailing newline; lists of plain values, positions and connections on one line each,
/// so moving a step changes exactly one line.
/// </summary>
public static class ValueStreamWriter
{
    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(ValueStreamDefinition definition)
    {
        var w = new Writer();
        w.Open('{');
        w.Property("$schema", Quote(definition.Schema));
        w.Property("id", Quote(definition.Id));
        w.Property("name", Quote(definition.Name));
        if (definition.Description is not null) w.Property("description", Quote(definition.Description));
        if (definition.Source is not null) w.Property("source", Quote(definition.Source));

        w.List("variables", definition.Variables, v =>
        {
            w.Open('{');
            w.Property("name", Quote(v.Name));
            w.Property("type", Quote(v.Type));
            if (v.Description is not null) w.Property("description", Quote(v.Description));
            if (v.Default is not null) w.Node("default", v.Default, null);
            w.Close('}');
        });

        // Written only when declared, so streams without outputs keep their bytes.
        if (definition.Outputs.Count > 0)
            w.List("outputs", definition.Outputs, o => w.Inline(
                $"{{ \"name\": {Quote(o.Name)}{(o.Type is null ? "" : $", \"type\": {Quote(o.Type)}")}{(o.Description is null ? "" : $", \"description\": {Quote(o.Description)}")} }}"));

        w.List("roles", definition.Roles, r => w.Inline(
            $"{{ \"id\": {Quote(r.Id)}, \"name\": {Quote(r.Name)}{(r.Group is null ? "" : $", \"group\": {Quote(r.Group)}")} }}"));

        w.List("steps", definition.Steps, step =>
        {
            w.Open('{');
            w.Property("id", Quote(step.Id));
            w.Property("type", Quote(step.Type));
            w.Property("name", Quote(step.Name));
            if (step.Description is not null) w.Property("description", Quote(step.Description));
            w.Property("valueChainActivities", InlineStrings(step.ValueChainActivities));
            w.Property("practices", InlineStrings(step.Practices));
            w.Property("roles", InlineStrings(step.Roles));
            var inputs = StepTypeCatalogue.Find(step.Type)?.Descriptor.Inputs ?? [];
            foreach (var (name, value) in Ordered(step.Properties, inputs))
                w.Node(name, value, inputs.FirstOrDefault(i => i.Name == name)?.Fields);
            if (step.HasPosition)
                w.Property("position", $"{{ \"x\": {step.Position.X}, \"y\": {step.Position.Y} }}");
            w.Close('}');
        });

        w.List("connections", definition.Connections, c => w.Inline(c.Port == ConnectionDefinition.DefaultPort
            ? $"{{ \"from\": {Quote(c.From)}, \"to\": {Quote(c.To)} }}"
            : $"{{ \"from\": {Quote(c.From)}, \"port\": {Quote(c.Port)}, \"to\": {Quote(c.To)} }}"));
        w.Close('}');
        return w.ToString();
    }

    public static byte[] WriteUtf8(ValueStreamDefinition definition) => Encoding.UTF8.GetBytes(Write(definition));

    /// <summary>SHA-256 of the canonical bytes, lower-case hex: equal content, equal hash.</summary>
    public static string ContentHash(ValueStreamDefinition definition) =>
        Convert.ToHexStringLower(SHA256.HashData(WriteUtf8(definition)));

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Ordered(JsonObject properties, IReadOnlyList<InputDescriptor> declared)
    {
        foreach (var input in declared)
            if (properties.TryGetPropertyValue(input.Name, out var value))
                yield return new(input.Name, value);
        foreach (var extra in properties.Where(p => declared.All(i => i.Name != p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
            yield return extra;
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text, StringOptions);

    private static string InlineStrings(IEnumerable<string> items) => $"[{string.Join(", ", items.Select(Quote))}]";

    private static bool IsScalar(JsonNode? node) => node is null or JsonValue;

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private int _depth;
        private bool _first = true;

        public void Open(char bracket)
        {
            _text.Append(bracket);
            _depth++;
            _first = true;
        }

        public void Close(char bracket)
        {
            _depth--;
            if (!_first)
                NewLine();
            _text.Append(bracket);
            _first = false;
        }

        public void Property(string name, string inlineValue)
        {
            Next();
            _text.Append(Quote(name)).Append(": ").Append(inlineValue);
        }

        /// <summary>Appends text where the writer stands, e.g. a one-line list item.</summary>
        public void Inline(string value) => _text.Append(value);

        public void List<T>(string name, IReadOnlyCollection<T> items, Action<T> write)
        {
            Next();
            _text.Append(Quote(name)).Append(": ");
            if (items.Count == 0)
            {
                _text.Append("[]");
                return;
            }
            Open('[');
            foreach (var item in items)
            {
                Next();
                write(item);
                _first = false;
            }
            Close(']');
        }

        /// <summary>Writes a property holding any JSON value; objects follow <paramref name="fields"/> order.</summary>
        public void Node(string name, JsonNode? value, IReadOnlyList<InputDescriptor>? fields)
        {
            Next();
            _text.Append(Quote(name)).Append(": ");
            Value(value, fields);
        }

        private void Value(JsonNode? value, IReadOnlyList<InputDescriptor>? fields)
        {
            switch (value)
            {
                case JsonArray array when array.Count == 0:
                    _text.Append("[]");
                    break;
                case JsonArray array when array.All(IsScalar):
                    _text.Append('[').Append(string.Join(", ", array.Select(Scalar))).Append(']');
                    break;
                case JsonArray array:
                    Open('[');
                    foreach (var element in array)
                    {
                        Next();
                        Value(element, fields);
                    }
                    Close(']');
                    break;
                case JsonObject obj when obj.Count == 0:
                    _text.Append("{}");
                    break;
                case JsonObject obj:
                    Open('{');
                    foreach (var (key, child) in Ordered(obj, fields ?? []))
                    {
                        Next();
                        _text.Append(Quote(key)).Append(": ");
                        Value(child, fields?.FirstOrDefault(f => f.Name == key)?.Fields);
                    }
                    Close('}');
                    break;
                default:
                    _text.Append(Scalar(value));
                    break;
            }
        }

        private void Next()
        {
            if (!_first)
                _text.Append(',');
            NewLine();
            _first = false;
        }

        private void NewLine() => _text.Append('\n').Append(' ', _depth * 2);

        public override string ToString() => _text.ToString() + "\n";
    }
}
