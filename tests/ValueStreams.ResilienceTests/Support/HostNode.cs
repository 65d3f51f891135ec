using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>
/// One ValueStreams node: the real host as its own process (<c>dotnet ValueStreams.Host.dll</c>) on a free
/// port, on a PostgreSQL database and a data folder it may share with other nodes. Hard kills end the whole
/// process tree at once, as a crashed machine would: no graceful shutdown, no flushed buffers.
/// </summary>
public sealed class HostNode : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private const int KeptLines = 400;

    private readonly Queue<string> _output = new();
    private readonly Process _process;

    private HostNode(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the node printed (stdout and stderr interleaved), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>Starts a node and waits until <c>/health/ready</c> answers 200 (store migrated, scheduler announced).</summary>
    public static async Task<HostNode> StartAsync(string name, string connectionString, string dataDirectory)
    {
        var hostDll = HostAssemblyPath();
        if (!File.Exists(hostDll))
            throw new InvalidOperationException(
                $"The host is not built: {hostDll} does not exist. Build src/ValueStreams.Host (building this test project does).");

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        // Settings from the caller's environment would change the node under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ValueStreams__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["ValueStreams__Root"] = RepoRoot;
        start.Environment["ValueStreams__Storage__Provider"] = "PostgreSql";
        start.Environment["ValueStreams__Storage__DataDirectory"] = dataDirectory;
        start.Environment["ConnectionStrings__ValueStreams"] = connectionString;
        start.Environment["ValueStreams__DemoUsers"] = "true";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Request and engine chatter costs CPU on a small machine; warnings and errors are kept for failure messages.
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new HostNode(name, process, baseAddress);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"Could not start `dotnet {hostDll}`.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await node.WaitReadyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string? lastAnswer = null;
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"Node {Name} exited with code {_process.ExitCode} before it was ready.\n--- {Name} output ---\n{Output}");
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException(
            $"Node {Name} at {BaseAddress} did not answer 200 on /health/ready within {ReadyTimeout.TotalSeconds} s " +
            $"(last answer: {lastAnswer}).\n--- {Name} output ---\n{Output}");
    }

    /// <summary>Ends the node's whole process tree at once, mid-work: a crash, not a shutdown.</summary>
    public async Task KillHardAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillHardAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not answering: nothing more to do from here.
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
                _output.Dequeue();
        }
    }

    /// <summary>The repository root: the folder holding <c>ValueStreams.sln</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string HostAssemblyPath()
    {
        var configuration = typeof(HostNode).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";
        return Path.Combine(RepoRoot, "src", "ValueStreams.Host", "bin", configuration, "net10.0", "ValueStreams.Host.dll");
    }

    private static string FindRepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ValueStreams.sln")))
                return folder.FullName;
        throw new InvalidOperationException($"Cannot find ValueStreams.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
