namespace ValueStreams.Cli.Files;

/// <summary>A value stream file named on the command line, as the user wrote its path, with its bytes.</summary>
public sealed record DefinitionFile(string Path, byte[] Content)
{
    /// <summary>The file name without <c>.json</c>: the id the stream in it must have.</summary>
    public string NameAsId => System.IO.Path.GetFileNameWithoutExtension(Path);
}
