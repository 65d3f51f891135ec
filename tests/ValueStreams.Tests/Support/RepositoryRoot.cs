namespace ValueStreams.Tests.Support;

/// <summary>The clone the tests run in: the folder holding ValueStreams.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, "ValueStreams.sln")))
                return folder.FullName;
        throw new InvalidOperationException($"No ValueStreams.sln above {AppContext.BaseDirectory}.");
    }
}
