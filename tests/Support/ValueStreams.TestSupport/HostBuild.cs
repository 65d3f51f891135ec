using System.Reflection;

namespace ValueStreams.TestSupport;

/// <summary>Where the repository and the host's build output are.</summary>
public static class HostBuild
{
    /// <summary>
    /// The repository root: the first folder holding <c>ValueStreams.sln</c> at or above one of <paramref name="startFolders"/>,
    /// tried in order.
    /// </summary>
    public static string RepositoryRoot(params string[] startFolders)
    {
        foreach (var start in startFolders)
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "ValueStreams.sln")))
                    return folder.FullName;
        throw new InvalidOperationException($"Cannot find ValueStreams.sln above {string.Join(" or ", startFolders)}.");
    }

    /// <summary>The host's build output: <c>src/ValueStreams.Host/bin/&lt;configuration&gt;/net10.0/ValueStreams.Host.dll</c>.</summary>
    public static string HostAssembly(string repositoryRoot, string configuration) =>
        Path.Combine(repositoryRoot, "src", "ValueStreams.Host", "bin", configuration, "net10.0", "ValueStreams.Host.dll");

    /// <summary>The configuration <paramref name="assembly"/> was built in, from its <c>AssemblyMetadata("Configuration", …)</c>; Debug without one.</summary>
    public static string ConfigurationOf(Assembly assembly) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";
}
