using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ValueStreams.TestSupport;

/// <summary>
/// The built ValueStreams host as a child process, as an operator starts it: <c>dotnet ValueStreams.Host.dll --urls
/// http://127.0.0.1:&lt;free port&gt;</c> with its settings in environment variables. Its standard output and error are
/// captured line by line. Disposing kills the whole process tree if it still runs.
/// </summary>
public sealed class SpawnedHost : IAsyncDisposable
{
    private readonly HostStartInfo _info;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Stopwatch _sinceStart = new();
    private int _lines;

    private SpawnedHost(HostStartInfo info, Process process, int port)
    {
        _info = info;
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>From starting the process to the first 200 from <c>/health/ready</c>, once <see cref="WaitUntilReadyAsync"/> has seen it.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    /// <summary>How many lines the host wrote so far (standard output and error).</summary>
    public int OutputLineCount => Volatile.Read(ref _lines);

    /// <summary>What the host wrote (standard output and error interleaved; the last <see cref="HostStartInfo.KeptOutputLines"/> lines when set).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output);
        }
    }

    /// <summary>Starts the host and waits until it is ready; kills it when it does not get there.</summary>
    public static async Task<SpawnedHost> StartAsync(HostStartInfo info, CancellationToken cancellationToken = default)
    {
        var host = Start(info);
        try
        {
            await host.WaitUntilReadyAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the host on a free port and returns at once; <see cref="WaitUntilReadyAsync"/> waits for it.</summary>
    public static SpawnedHost Start(HostStartInfo info)
    {
        var port = FreePort.Find();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = info.WorkingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(info.HostAssembly))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(info.HostAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var name in start.Environment.Keys
                     .Where(name => info.DroppedVariables.Any(dropped => name.StartsWith(dropped, StringComparison.OrdinalIgnoreCase)))
                     .ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in info.Environment)
            start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new SpawnedHost(info, process, port);
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            host.Add(e.Data);
            if (e.Data is { } line)
                info.OnStandardError?.Invoke(line);
        };
        host._sinceStart.Start();
        if (!process.Start())
            throw new InvalidOperationException($"Could not start `dotnet {info.HostAssembly}`.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>
    /// Asks <c>/health/ready</c> until it answers 200 (store migrated, scheduler announced). Fails with the host's output
    /// when the process exits first or <see cref="HostStartInfo.ReadyTimeout"/> passes.
    /// </summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = _info.PollRequestTimeout };
        string? lastAnswer = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"{Subject} exited with code {_process.ExitCode} before it was ready.\n{OutputSection()}");
            if (_sinceStart.Elapsed > _info.ReadyTimeout)
                throw new TimeoutException(
                    $"{Subject} at {BaseAddress} did not answer 200 on /health/ready within {_info.ReadyTimeout.TotalSeconds} s " +
                    $"(last answer: {lastAnswer ?? "none"}).\n{OutputSection()}");
            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAfter = _sinceStart.Elapsed;
                    return;
                }
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                lastAnswer = e.Message; // not listening yet
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = e.Message; // this ask timed out: ask again
            }
            await Task.Delay(_info.PollInterval, cancellationToken);
        }
    }

    /// <summary>A normal shutdown: SIGTERM, then a kill of the whole process tree when it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])))
            await kill!.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Ends the whole process tree at once, as a crashed machine would: no graceful shutdown, no flushed buffers.
    /// Fails with a <see cref="TimeoutException"/> when the process is not gone within <see cref="HostStartInfo.KillTimeout"/>.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(_info.KillTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Win32Exception)
        {
            // Already gone, or not answering: nothing more to do from here.
        }
        _process.Dispose();
    }

    private string Subject => _info.Name is null ? "The host" : $"{_info.Name}: the host";

    private string OutputSection() => $"--- {_info.Name ?? "host"} output ---\n{Output}";

    private void Add(string? line)
    {
        if (line is null)
            return;
        Interlocked.Increment(ref _lines);
        lock (_output)
        {
            _output.Enqueue(line);
            if (_info.KeptOutputLines is { } kept && _output.Count > kept)
                _output.Dequeue();
        }
    }
}
