using Microsoft.Data.Sqlite;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Host.Features.Security;

/// <summary>
/// The data folder and the files in it (the embedded store, the scheduler's store, the key-ring key) are readable
/// by the service's own user only: mode 0700 for folders, 0600 for files. Nothing to do on Windows, where the
/// folder's access list decides.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the data folder and the SQLite files private before anything opens them, and narrows them if an earlier version made them wider.</summary>
    public static void Prepare(StoreLocation store)
    {
        CreateFolder(store.DataDirectory);
        if (store.Provider != StorageProvider.Sqlite)
            return;
        foreach (var database in new[] { new SqliteConnectionStringBuilder(store.ConnectionString).DataSource, store.SchedulerLocation })
        {
            if (string.IsNullOrEmpty(database) || database == ":memory:")
                continue;
            var path = Path.GetFullPath(database);
            CreateFolder(Path.GetDirectoryName(path)!);
            // SQLite gives its -wal and -shm files the database file's mode.
            if (!System.IO.File.Exists(path))
                WriteNew(path, "");
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
                if (System.IO.File.Exists(file))
                    Restrict(file);
        }
    }

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, Folder);
        System.IO.File.SetUnixFileMode(path, Folder);
    }

    public static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
            System.IO.File.SetUnixFileMode(file, File);
    }

    /// <summary>Writes a file that must not exist yet, private from its first byte.</summary>
    public static void WriteNew(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = File;
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(content);
    }
}
