using ValueStreams.Cli;

namespace ValueStreams.Tests.Cli;

/// <summary>A temporary folder for the files a CLI test works on, and the CLI run in-process.</summary>
internal sealed class CliSandbox : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("valuestreams-cli-").FullName;

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string Read(string name) => File.ReadAllText(PathOf(name));

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs with every server URL answered by <paramref name="httpClients"/>, e.g. an in-memory host.</summary>
    public static async Task<CliRun> RunAsync(Func<Uri, HttpClient> httpClients, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, httpClients);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

internal sealed record CliRun(int Code, string Output, string Error);
