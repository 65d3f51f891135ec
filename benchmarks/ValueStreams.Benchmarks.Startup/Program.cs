// Start-up and idle-memory benchmark of the built ValueStreams host on the embedded (SQLite) default.
//
// Each run starts `dotnet ValueStreams.Host.dll` twice on one fresh data directory:
//   cold       - a brand-new store: migrations, demo users and the scheduler's tables are part of start-up;
//   warm store - the same data directory again: nothing left to migrate or create.
// Start-up is the wall time from starting the process to the first 200 from /health/ready (polled every 20 ms).
// After each start the host idles (10 s by default) and its VmRSS (and VmHWM) is read from /proc/<pid>/status.
// The host is stopped with SIGTERM (killed if it does not stop within 10 s) and the data directory deleted.
// Results go to stdout as Markdown; progress goes to stderr.

using System.Diagnostics;
using System.Globalization;
using System.Text;
using ValueStreams.TestSupport;

if (BenchmarkArguments.ExitBeforeStart(args, Settings.Usage, Settings.Parse, out var parsed) is { } exit)
    return exit;
var settings = parsed!;

var root = HostBuild.RepositoryRoot(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
var hostDll = HostBuild.HostAssembly(root, settings.Configuration);
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"The host is not built: {hostDll} is missing.");
    Console.Error.WriteLine($"Build it first: dotnet build -c {settings.Configuration} src/ValueStreams.Host");
    Console.Error.WriteLine();
    Console.Error.WriteLine(Settings.Usage);
    return 1;
}

var results = new List<RunResult>();
for (var run = 1; run <= settings.Runs; run++)
{
    var dataDirectory = Directory.CreateTempSubdirectory("valuestreams-bench-").FullName;
    try
    {
        var cold = await StartAndMeasureAsync(hostDll, root, dataDirectory, settings, $"run {run} cold");
        var warm = await StartAndMeasureAsync(hostDll, root, dataDirectory, settings, $"run {run} warm store");
        results.Add(new RunResult(run, cold, warm));
    }
    finally
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

Console.WriteLine(Report(results, settings, hostDll, root));
return 0;

static async Task<Measurement> StartAndMeasureAsync(string hostDll, string root, string dataDirectory, Settings settings, string label)
{
    await using var host = SpawnedHost.Start(new HostStartInfo
    {
        HostAssembly = hostDll,
        WorkingDirectory = root,
        Name = label,
        // Only what this benchmark sets: no storage provider, connection string or URLs inherited from the shell.
        DroppedVariables = HostStartInfo.HostSettingVariables,
        Environment = new Dictionary<string, string>
        {
            ["ValueStreams__Root"] = root,
            ["ValueStreams__Storage__DataDirectory"] = dataDirectory,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        },
        ReadyTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        PollInterval = TimeSpan.FromMilliseconds(20),
        PollRequestTimeout = TimeSpan.FromSeconds(2),
        KeptOutputLines = 200,
    });
    try
    {
        await host.WaitUntilReadyAsync();
        var startup = host.ReadyAfter;
        Console.Error.WriteLine($"[bench] {label}: ready in {startup.TotalMilliseconds:F0} ms; idling {settings.IdleSeconds} s");

        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds));
        if (host.HasExited)
            throw new InvalidOperationException($"{label}: the host exited with code {host.ExitCode} while idle.\n{host.Output}");
        var (rss, hwm) = ReadMemory(host.ProcessId);
        Console.Error.WriteLine($"[bench] {label}: idle VmRSS {rss / 1024.0:F1} MB, VmHWM {hwm / 1024.0:F1} MB");
        return new Measurement(startup, rss, hwm);
    }
    finally
    {
        // A normal shutdown (SIGTERM), so the warm-store start follows a clean stop; killed if it takes too long.
        await host.StopAsync(TimeSpan.FromSeconds(10));
    }
}

/// <summary>VmRSS and VmHWM of a process, in kB.</summary>
static (long Rss, long Hwm) ReadMemory(int pid)
{
    long rss = 0, hwm = 0;
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            rss = Kilobytes(line);
        else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            hwm = Kilobytes(line);
    }
    return (rss, hwm);

    static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

static string Report(IReadOnlyList<RunResult> results, Settings settings, string hostDll, string root)
{
    static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
    static string Mb(long kb) => (kb / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
    static T Median<T>(IEnumerable<T> values) => values.Order().ElementAt((values.Count() - 1) / 2);

    var text = new StringBuilder();
    text.AppendLine($"Host: `{Path.GetRelativePath(root, hostDll)}` ({settings.Configuration}), ASPNETCORE_ENVIRONMENT=Production, embedded SQLite store, " +
                    $"{settings.Runs} runs, {settings.IdleSeconds} s idle before reading memory.");
    text.AppendLine();
    text.AppendLine("| run | cold start ms | warm-store start ms | idle RSS MB (cold) | idle RSS MB (warm store) | peak RSS MB (VmHWM, cold) |");
    text.AppendLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
        text.AppendLine($"| {r.Run} | {Ms(r.Cold.Startup)} | {Ms(r.Warm.Startup)} | {Mb(r.Cold.RssKb)} | {Mb(r.Warm.RssKb)} | {Mb(r.Cold.HwmKb)} |");
    text.AppendLine();
    text.AppendLine("| | min | median | max |");
    text.AppendLine("|---|---:|---:|---:|");
    void Row(string name, IReadOnlyList<long> values, Func<long, string> format) =>
        text.AppendLine($"| {name} | {format(values.Min())} | {format(Median(values))} | {format(values.Max())} |");
    Row("cold start ms", results.Select(r => (long)Math.Round(r.Cold.Startup.TotalMilliseconds, MidpointRounding.AwayFromZero)).ToList(), v => v.ToString(CultureInfo.InvariantCulture));
    Row("warm-store start ms", results.Select(r => (long)Math.Round(r.Warm.Startup.TotalMilliseconds, MidpointRounding.AwayFromZero)).ToList(), v => v.ToString(CultureInfo.InvariantCulture));
    Row("idle RSS MB (cold)", results.Select(r => r.Cold.RssKb).ToList(), Mb);
    Row("idle RSS MB (warm store)", results.Select(r => r.Warm.RssKb).ToList(), Mb);
    Row("peak RSS MB (VmHWM, cold)", results.Select(r => r.Cold.HwmKb).ToList(), Mb);
    text.AppendLine();

    var slowest = results.Max(r => r.Cold.Startup > r.Warm.Startup ? r.Cold.Startup : r.Warm.Startup);
    var largest = results.Max(r => Math.Max(r.Cold.RssKb, r.Warm.RssKb));
    text.AppendLine("Goals (every run, cold and warm store):");
    text.AppendLine($"- start-up to ready under 5 s: slowest {Ms(slowest)} ms: {(slowest < TimeSpan.FromSeconds(5) ? "met" : "NOT met")}");
    text.AppendLine($"- idle memory under 300 MB RSS: largest {Mb(largest)} MB: {(largest < 300 * 1024 ? "met" : "NOT met")}");
    text.AppendLine();

    text.AppendLine("Machine:");
    text.AppendLine($"- CPUs (nproc): {Command("nproc", root)}");
    text.AppendLine($"- CPU model: {CpuModel()}");
    text.AppendLine($"- memory: {TotalMemory()}");
    text.AppendLine($"- OS: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    text.AppendLine($"- dotnet --version: {Command("dotnet --version", root)}");
    text.AppendLine($"- date (UTC): {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
    return text.ToString();
}

static string Command(string commandLine, string workingDirectory)
{
    var parts = commandLine.Split(' ');
    var start = new ProcessStartInfo(parts[0], parts[1..]) { RedirectStandardOutput = true, WorkingDirectory = workingDirectory };
    using var process = Process.Start(start)!;
    var text = process.StandardOutput.ReadToEnd().Trim();
    process.WaitForExit();
    return text;
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

static string TotalMemory()
{
    var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
    var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    return $"{kb / 1024.0 / 1024.0:F1} GB";
}

internal sealed record Measurement(TimeSpan Startup, long RssKb, long HwmKb);

internal sealed record RunResult(int Run, Measurement Cold, Measurement Warm);

internal sealed record Settings(int Runs, string Configuration, int IdleSeconds, int TimeoutSeconds)
{
    public const string Usage = """
        Start-up and idle-memory benchmark of ValueStreams.Host (embedded SQLite store).

        Build the host first:   dotnet build -c Release src/ValueStreams.Host
        Then, from the repository:
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Startup -- [options]

        Options:
          --runs N                    runs (default 5); each is a cold start on a fresh store plus a warm-store start
          --configuration Release|Debug  which build of the host to start (default Release)
          --idle-seconds S            idle time before memory is read (default 10)
          --timeout-seconds S         give up when a start is not ready after S seconds (default 120)
          -h, --help                  this text
        """;

    public static Settings? Parse(string[] args) =>
        BenchmarkArguments.Parse(args, new Settings(5, "Release", 10, 120), (settings, read) => read.Option switch
        {
            "--runs" => settings with { Runs = read.Positive() },
            "--idle-seconds" => settings with { IdleSeconds = read.Positive() },
            "--timeout-seconds" => settings with { TimeoutSeconds = read.Positive() },
            "--configuration" or "-c" => settings with { Configuration = read.Configuration() },
            _ => throw read.Unknown(),
        });
}
