namespace ValueStreams.Cli.Files;

/// <summary>
/// Turns the paths on a command line into files read into memory, before any work starts, so a typo
/// is a usage error (exit 2) rather than a half-done run.
/// </summary>
public static class DefinitionFiles
{
    /// <summary>
    /// Reads each named file; a folder (when allowed) stands for the <c>*.json</c> directly inside it, in
    /// name order, which leaves out <c>schema/</c>. Returns null after saying why on <paramref name="error"/>
    /// when any path names nothing readable.
    /// </summary>
    public static async Task<IReadOnlyList<DefinitionFile>?> ReadAsync(
        IEnumerable<string> paths, bool allowFolders, TextWriter error, CancellationToken cancellationToken)
    {
        var named = new List<string>();
        var unreadable = false;
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                named.Add(path);
            }
            else if (Directory.Exists(path) && allowFolders)
            {
                var inside = Directory.GetFiles(path, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
                if (inside.Count == 0)
                    await error.WriteLineAsync($"warning: {path}: no .json files in this folder");
                named.AddRange(inside);
            }
            else
            {
                await error.WriteLineAsync(Directory.Exists(path)
                    ? $"{path}: is a folder; give a file"
                    : $"{path}: no such file{(allowFolders ? " or folder" : "")}");
                unreadable = true;
            }
        }
        if (unreadable)
            return null;

        var files = new List<DefinitionFile>();
        foreach (var path in named.DistinctBy(Path.GetFullPath))
        {
            try
            {
                files.Add(new DefinitionFile(path, await File.ReadAllBytesAsync(path, cancellationToken)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"{path}: cannot be read: {ex.Message}");
                unreadable = true;
            }
        }
        return unreadable ? null : files;
    }
}
