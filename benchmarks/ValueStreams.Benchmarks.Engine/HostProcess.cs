using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>
/// The built ValueStreams.Host started as a child process on PostgreSQL, exactly as an operator would:
/// <c>dotnet ValueStreams.Host.dll --urls http://127.0.0.1:port</c> with the storage provider, connection string,
/// demo users, Production environment and Warning log level from environment variables. Inherited
/// <c>ValueStreams__*</c>, <c>ConnectionStrings__*</c>, <c>ASPNETCORE_*</c> and <c>Logging__*</c> variables are dropped.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly BoundedLog _output = new(200);
    private int _lines;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int Pid => _process.Id;

    /// <summary>Lines the host wrote (at Warning level and above, plus the runtime's own output).</summary>
    public int OutputLines => Volatile.Read(ref _lines);

    public string RecentOutput => _output.ToString();

    public static async Task<HostProcess> StartAsync(string hostDll, string root, string dataDirectory, string connectionString,
        IReadOnlyList<(string Name, string Value)> extraEnvironment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var name in start.Environment.Keys.ToList())
            if (name.StartsWith("ValueStreams__", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        start.Environment["ValueStreams__Root"] = root;
        start.Environment["ValueStreams__Storage__DataDirectory"] = dataDirectory;
        start.Environment["ValueStreams__Storage__Provider"] = "PostgreSql";
        start.Environment["ConnectionStrings__ValueStreams"] = connectionString;
        start.Environment["ValueStreams__DemoUsers"] = "true";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in extraEnvironment)
            start.Environment[name] = value;

        var address = new Uri($"http://127.0.0.1:{port}/");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.Progress($"host started (pid {process.Id}) on {address}");

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                    throw new InvalidOperationException($"The host exited with code {process.ExitCode} before it was ready.\n{host.RecentOutput}");
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"/health/ready did not answer 200 within {timeout.TotalSeconds} s.\n{host.RecentOutput}");
                try
                {
                    using var response = await http.GetAsync(new Uri(address, "health/ready"), cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                        break;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
                await Task.Delay(50, cancellationToken);
            }
            Log.Progress($"host ready in {clock.Elapsed.TotalMilliseconds:F0} ms");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        Interlocked.Increment(ref _lines);
        _output.Add(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Log.Progress("stopping the host");
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])))
                await kill!.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static int FreePortNumber() => FreePort();
}

/// <summary>The host's last output lines, shown when something fails.</summary>
internal sealed class BoundedLog(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
                _lines.Dequeue();
        }
    }

    public override string ToString()
    {
        lock (_lines)
            return string.Join('\n', _lines);
    }
}

internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Progress(string message) =>
        Console.Error.WriteLine($"[bench {Clock.Elapsed.TotalSeconds,6:F1}s] {message}");
}
