using ValueStreams.TestSupport;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>
/// One ValueStreams node: the real host as its own process (<c>dotnet ValueStreams.Host.dll</c>) on a free
/// port, on a PostgreSQL database and a data folder it may share with other nodes. Hard kills end the whole
/// process tree at once, as a crashed machine would: no graceful shutdown, no flushed buffers.
/// </summary>
public sealed class HostNode : IAsyncDisposable
{
    private readonly SpawnedHost _host;

    private HostNode(string name, SpawnedHost host)
    {
        Name = name;
        _host = host;
    }

    public string Name { get; }

    public Uri BaseAddress => _host.BaseAddress;

    public int ProcessId => _host.ProcessId;

    public bool HasExited => _host.HasExited;

    /// <summary>The last lines the node printed (stdout and stderr interleaved), for failure messages.</summary>
    public string Output => _host.Output;

    /// <summary>The repository root: the folder holding <c>ValueStreams.sln</c>.</summary>
    public static string RepoRoot { get; } = HostBuild.RepositoryRoot(AppContext.BaseDirectory);

    /// <summary>Starts a node and waits until <c>/health/ready</c> answers 200 (store migrated, scheduler announced).</summary>
    public static async Task<HostNode> StartAsync(string name, string connectionString, string dataDirectory)
    {
        var hostDll = HostBuild.HostAssembly(RepoRoot, HostBuild.ConfigurationOf(typeof(HostNode).Assembly));
        if (!File.Exists(hostDll))
            throw new InvalidOperationException(
                $"The host is not built: {hostDll} does not exist. Build src/ValueStreams.Host (building this test project does).");

        var host = await SpawnedHost.StartAsync(new HostStartInfo
        {
            HostAssembly = hostDll,
            Name = name,
            // Settings from the caller's environment would change the node under test.
            DroppedVariables = HostStartInfo.HostSettingVariables,
            Environment = new Dictionary<string, string>
            {
                ["ValueStreams__Root"] = RepoRoot,
                ["ValueStreams__Storage__Provider"] = "PostgreSql",
                ["ValueStreams__Storage__DataDirectory"] = dataDirectory,
                ["ConnectionStrings__ValueStreams"] = connectionString,
                ["ValueStreams__DemoUsers"] = "true",
                // Nodes have their own data folders; the key that encrypts the shared key ring is given to all.
                ["ValueStreams__DataProtection__Key"] = SharedKeyRingKey,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                // Request and engine chatter costs CPU on a small machine; warnings and errors are kept for failure messages.
                ["Logging__LogLevel__Default"] = "Warning",
            },
            ReadyTimeout = TimeSpan.FromSeconds(120),
            PollInterval = TimeSpan.FromMilliseconds(200),
            PollRequestTimeout = TimeSpan.FromSeconds(5),
            KeptOutputLines = 400,
            KillTimeout = TimeSpan.FromSeconds(30),
        });
        return new HostNode(name, host);
    }

    private const string SharedKeyRingKey = "dmFsdWVzdHJlYW1zLXJlc2lsaWVuY2Uta2V5LXJpbmc=";

    /// <summary>Ends the node's whole process tree at once, mid-work: a crash, not a shutdown.</summary>
    public Task KillHardAsync() => _host.KillAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
