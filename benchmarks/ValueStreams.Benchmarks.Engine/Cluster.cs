using System.Globalization;
using System.Text.RegularExpressions;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>
/// A throwaway PostgreSQL cluster in a temporary folder, on 127.0.0.1, with durable settings: fsync and
/// synchronous_commit on (PostgreSQL's defaults, set explicitly so that no configuration file can turn them off).
/// Everything else is initdb's default. Disposing stops the server and deletes the folder.
/// </summary>
internal sealed partial class Cluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly bool _analysis;
    private readonly IReadOnlyList<string> _options;
    private bool _started;

    private Cluster(string bin, string folder, int port, bool analysis, IReadOnlyList<string> options)
    {
        _options = options;
        _bin = bin;
        Folder = folder;
        Port = port;
        _analysis = analysis;
    }

    public string Folder { get; }
    public string DataDirectory => Path.Combine(Folder, "data");
    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database}";

    /// <summary>Creates the folder (owned by postgres when running as root); <see cref="StartAsync"/> does the rest.</summary>
    public static async Task<Cluster> CreateAsync(string bin, int port, bool analysis, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("valuestreams-bench-pg-").FullName;
        var cluster = new Cluster(bin, folder, port, analysis, options);
        if (Shell.IsRoot)
            (await Shell.RunAsync("chown", ["postgres:postgres", folder], cancellationToken)).OrThrow("chown of the cluster folder");
        (await Shell.RunAsync("chmod", ["700", folder], cancellationToken)).OrThrow("chmod of the cluster folder");
        return cluster;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Progress($"initdb in {DataDirectory}");
        (await Shell.RunAsPostgresAsync(
            Shell.Join([Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
            cancellationToken)).OrThrow("initdb");

        var options = new List<string>
        {
            "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", Folder, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=on", "-c", "synchronous_commit=on",
        };
        if (_analysis)
            options.AddRange(["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all",
                "-c", "track_io_timing=on", "-c", "track_wal_io_timing=on"]);
        foreach (var option in _options)
            options.AddRange(["-c", option]);
        Log.Progress($"starting PostgreSQL on 127.0.0.1:{Port}");
        _started = true;
        (await Shell.RunAsPostgresAsync(
            Shell.Join([Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "60",
                "-o", Shell.Join(options), "start"]),
            cancellationToken)).OrThrow("pg_ctl start");
    }

    /// <summary>The postmaster's process id (first line of postmaster.pid).</summary>
    public int PostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);

    /// <summary>Runs SQL with psql over TCP and returns its unaligned, tuples-only output.</summary>
    public async Task<string> SqlAsync(string database, string sql, CancellationToken cancellationToken) =>
        (await Shell.RunAsync(Path.Combine(_bin, "psql"),
            ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
             "-d", database, "-F", "|", "-c", sql], cancellationToken)).OrThrow($"psql: {sql}").Output.Trim();

    /// <summary>pgbench -i -s scale, then pgbench -c clients -j threads -T seconds; returns TPS and the full report.</summary>
    public async Task<(double Tps, string Report)> PgbenchAsync(int scale, int clients, int threads, int seconds, CancellationToken cancellationToken)
    {
        var connection = new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres" };
        await SqlAsync("postgres", "CREATE DATABASE pgbench", cancellationToken);
        Log.Progress($"pgbench -i -s {scale}");
        (await Shell.RunAsync(Path.Combine(_bin, "pgbench"), [.. connection, "-i", "-q", "-s", scale.ToString(CultureInfo.InvariantCulture), "pgbench"],
            cancellationToken)).OrThrow("pgbench -i");
        await SqlAsync("postgres", "CHECKPOINT", cancellationToken);
        Log.Progress($"pgbench -c {clients} -j {threads} -T {seconds} (TPC-B)");
        var run = (await Shell.RunAsync(Path.Combine(_bin, "pgbench"),
            [.. connection, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads.ToString(CultureInfo.InvariantCulture),
             "-T", seconds.ToString(CultureInfo.InvariantCulture), "pgbench"], cancellationToken)).OrThrow("pgbench");
        var match = TpsLine().Match(run.Output);
        if (!match.Success)
            throw new InvalidOperationException($"No 'tps = ' line in pgbench's output:\n{run.Output}");
        await SqlAsync("postgres", "CHECKPOINT", cancellationToken);
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), run.Output.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (_started && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            Log.Progress("stopping PostgreSQL");
            var stop = await Shell.RunAsPostgresAsync(
                Shell.Join([Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]), CancellationToken.None);
            if (stop.ExitCode != 0)
                await Shell.RunAsPostgresAsync(
                    Shell.Join([Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]), CancellationToken.None);
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
            Log.Progress($"removed {Folder}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Progress($"could not remove {Folder}: {e.Message}");
        }
    }

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();
}
