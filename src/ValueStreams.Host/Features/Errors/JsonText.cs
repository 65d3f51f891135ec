using System.Text.Json;

namespace ValueStreams.Host.Features.Errors;

/// <summary>
/// Finds the first string in a JSON body that is not valid text: half of a UTF-16 surrogate pair (<c>"\ud800"</c>
/// alone) or bytes that are not UTF-8. Such text cannot be stored or shown, and the serializer fails on it with an
/// error that is not a JSON error, so it is looked for once, here, for every body, with the path of the value.
/// </summary>
internal static class JsonText
{
    private const string Reason = "is not valid text: it holds half of a UTF-16 surrogate pair (such as \\ud800 alone) or bytes that are not UTF-8";

    private sealed class Container(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string? Name { get; set; }
    }

    /// <summary>The first string that is not valid text, or null; a body that is not JSON is left to the endpoint to refuse.</summary>
    public static FieldError? FindInvalidText(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        var path = new List<Container>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!IsText(ref reader))
                            return new FieldError(PathOf(path), $"a property name {Reason}");
                        path[^1].Name = reader.GetString();
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    default:
                        if (path.Count > 0 && path[^1].IsArray)
                            path[^1].Index++;
                        if (reader.TokenType == JsonTokenType.String && !IsText(ref reader))
                            return new FieldError(PathOf(path), $"the value {Reason}");
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                            path.Add(new Container(reader.TokenType == JsonTokenType.StartArray));
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON, or malformed: the endpoint's own reading says what is wrong with it.
        }
        return null;
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string PathOf(List<Container> path) => "$" + string.Concat(path.Select(c => c.IsArray
        ? $"[{c.Index}]"
        : c.Name is null ? "" : c.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-') ? $".{c.Name}" : $"['{c.Name.Replace("'", "\\'")}']"));
}
