namespace ValueStreams.Core.Definitions.Format;

/// <summary>A problem with a value stream file, at a JSON path such as <c>steps[3].practices[1]</c>.</summary>
public sealed record DefinitionIssue(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
