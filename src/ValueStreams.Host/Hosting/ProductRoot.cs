namespace ValueStreams.Host.Hosting;

/// <summary>
/// The folder that holds the product's top-level <c>appsettings.json</c>, <c>workflows/</c> and <c>data/</c>:
/// the repository root in a clone, the application folder in a container.
/// </summary>
public static class ProductRoot
{
    /// <summary>Setting (or environment variable <c>ValueStreams__Root</c>) that names the root outright.</summary>
    public const string SettingName = "ValueStreams:Root";

    public static string Find(string? configured, params string[] startFolders)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured);

        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "appsettings.json")) &&
                    Directory.Exists(Path.Combine(folder.FullName, "workflows")))
                    return folder.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Cannot find the product root (a folder with appsettings.json and workflows/) above {string.Join(" or ", startFolders)}; set {SettingName}.");
    }
}
