// Engine throughput and task-to-task latency of the built ValueStreams host on a durable PostgreSQL cluster.
//
// One run:
//   1. starts a throwaway PostgreSQL cluster (initdb defaults; fsync=on, synchronous_commit=on) on 127.0.0.1;
//   2. reference: pgbench TPC-B (pgbench -i -s 10, then pgbench -c 8 -j 2 -T 30) in its own database;
//   3. starts the Release host (ValueStreams__Storage__Provider=PostgreSql, demo users, Production, Warning logs)
//      on a second database of the same cluster, signs in over the API and imports two streams through
//      POST /api/value-streams/import;
//   4. throughput: 8 clients start instances of a 10-step automated stream (start, 8 automated steps, end) for a
//      5 s warm-up and a 30 s window; only start responses that say "completed" count;
//   5. task-to-task latency: start -> task A -> task B -> end; the round trip of POST /api/tasks/{A}/complete
//      (B is created in the same transaction, so it exists when the response returns), then GET
//      /api/tasks?scope=group must list B; 500 instances with 8 clients, then 500 with 1 client;
//   6. stops the host and the cluster and deletes them (also on failure or Ctrl+C).
// CPU time of the host, PostgreSQL, this generator and the rest of the machine is read from /proc for each phase.
// With --analysis the cluster also loads pg_stat_statements (and I/O timing) and the report lists the statements.
// Results go to stdout as Markdown; progress goes to stderr.

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ValueStreams.Benchmarks.Engine;
using ValueStreams.TestSupport;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (BenchmarkArguments.ExitBeforeStart(args, Settings.Usage, Settings.Parse, out var parsed) is { } exit)
    return exit;
var settings = parsed!;

var root = HostBuild.RepositoryRoot(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
var hostDll = HostBuild.HostAssembly(root, settings.Configuration);
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"The host is not built: {hostDll} is missing.");
    Console.Error.WriteLine($"Build it first: dotnet build -c {settings.Configuration} src/ValueStreams.Host");
    return 1;
}
if (!File.Exists(Path.Combine(settings.PostgresBin, "pg_ctl")))
{
    Console.Error.WriteLine($"No PostgreSQL server binaries in {settings.PostgresBin} (apt-get install -y postgresql, or --pg-bin).");
    return 1;
}

using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
var ct = stop.Token;

var report = new Report { Settings = settings, CommandLine = "dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Engine" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "") };
report.StartedUtc = DateTime.UtcNow;
report.UptimeBefore = Shell.Capture("uptime");
Log.Progress($"uptime before: {report.UptimeBefore}");

Cluster? cluster = null;
SpawnedHost? host = null;
string? dataDirectory = null;
var exitCode = 0;
try
{
    cluster = await Cluster.CreateAsync(settings.PostgresBin, settings.Port ?? FreePort.Find(), settings.Analysis, settings.PostgresOptions, ct);
    await cluster.StartAsync(ct);
    report.PostgresVersion = await cluster.SqlAsync("postgres", "SELECT version()", ct);
    report.PostgresSettings = await cluster.SqlAsync("postgres",
        """
        SELECT string_agg(name || '=' || setting || COALESCE(unit, ''), ', ' ORDER BY name) FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_connections',
                       'wal_level', 'checkpoint_timeout', 'max_wal_size', 'commit_delay', 'shared_preload_libraries')
        """, ct);
    Log.Progress($"settings: {report.PostgresSettings}");
    if (!report.PostgresSettings.Contains("fsync=on", StringComparison.Ordinal) || !report.PostgresSettings.Contains("synchronous_commit=on", StringComparison.Ordinal))
        throw new InvalidOperationException($"The cluster is not durable: {report.PostgresSettings}");

    // 1. The reference.
    (report.PgbenchTps, report.PgbenchOutput) = await cluster.PgbenchAsync(settings.PgbenchScale, settings.Clients, 2, settings.PgbenchSeconds, ct);
    Log.Progress($"pgbench: {report.PgbenchTps:F1} TPS");

    // 2. The host on its own database.
    const string database = "valuestreams";
    await cluster.SqlAsync("postgres", $"CREATE DATABASE {database}", ct);
    if (settings.Analysis)
        await cluster.SqlAsync(database, "CREATE EXTENSION pg_stat_statements", ct);
    dataDirectory = Directory.CreateTempSubdirectory("valuestreams-bench-host-").FullName;
    var connectionString = cluster.ConnectionString(database) + (settings.ConnectionOptions is { } extra ? ";" + extra : "");
    host = await StartHostAsync(hostDll, root, dataDirectory, connectionString, settings.HostEnvironment, ct);
    var postmaster = cluster.PostmasterPid();
    var hostPid = host.ProcessId;
    CpuSample Sample(Stopwatch clock) => CpuSample.Take(clock, hostPid, postmaster);

    using var api = new Api(host.BaseAddress);
    var owner = await api.SignInAsync("owner", ct);
    var agent = await api.SignInAsync("agent", ct);
    foreach (var (id, file) in new[] { (Streams.AutomatedId, Streams.Automated()), (Streams.TaskToTaskId, Streams.TaskToTask()) })
    {
        using var response = await owner.PostAsync("api/value-streams/import", Api.Json(file), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Import of {id} answered {(int)response.StatusCode}: {body}");
        Log.Progress($"imported {id}: {body}");
    }

    // A single start must complete, or the throughput phase would measure nothing.
    using (var probe = await agent.PostAsync($"api/value-streams/{Streams.AutomatedId}/instances", Api.Json("""{ "input": {} }"""), ct))
    {
        var body = await probe.Content.ReadAsStringAsync(ct);
        if (!body.Contains("\"status\":\"completed\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"The automated stream did not complete in one run ({(int)probe.StatusCode}): {body}");
    }

    // Background cost: the host and PostgreSQL with no requests at all (Hangfire's workers and pollers, the runtime).
    Log.Progress("idle: 10 s without requests");
    var idleClock = Stopwatch.StartNew();
    var idleFrom = Sample(idleClock);
    await Task.Delay(TimeSpan.FromSeconds(10), ct);
    report.Idle = CpuUse.Between(idleFrom, Sample(idleClock));

    // 3. Throughput.
    await cluster.SqlAsync(database, "CHECKPOINT", ct);
    var before = await DbCounters.TakeAsync(cluster, database, ct);
    if (settings.Analysis)
        await cluster.SqlAsync(database, "SELECT pg_stat_statements_reset()", ct);
    Log.Progress($"throughput: {settings.Clients} clients, {settings.WarmupSeconds} s warm-up + {settings.Seconds} s");
    report.Throughput = await Load.ThroughputAsync(agent, Streams.AutomatedId, settings.Clients,
        TimeSpan.FromSeconds(settings.WarmupSeconds), TimeSpan.FromSeconds(settings.Seconds), Sample, ct);
    report.ThroughputDb = (await DbCounters.TakeAsync(cluster, database, ct)).Minus(before);
    if (settings.Analysis)
        report.ThroughputStatements = await TopStatementsAsync(cluster, database, report.Throughput.TotalCompleted, ct);
    Log.Progress($"throughput: {report.Throughput.PerSecond:F1} completed instances/s ({report.Throughput.Completed} in the window)");

    // 4. Task-to-task latency, 8 clients then 1.
    foreach (var clients in new[] { settings.Clients, 1 })
    {
        await cluster.SqlAsync(database, "CHECKPOINT", ct);
        before = await DbCounters.TakeAsync(cluster, database, ct);
        if (settings.Analysis)
            await cluster.SqlAsync(database, "SELECT pg_stat_statements_reset()", ct);
        Log.Progress($"task-to-task: {clients} client(s), {settings.LatencyInstances} instances after {settings.LatencyWarmup} warm-up");
        var result = await Load.LatencyAsync(agent, Streams.TaskToTaskId, clients, settings.LatencyInstances, settings.LatencyWarmup, Sample, ct);
        var counters = (await DbCounters.TakeAsync(cluster, database, ct)).Minus(before);
        report.Latency.Add((result, counters, settings.Analysis
            ? await TopStatementsAsync(cluster, database, settings.LatencyInstances + settings.LatencyWarmup, ct)
            : null));
        Log.Progress($"task-to-task ({clients}): p50 {Load.Percentile(result.CompleteMs, 50):F2} ms, p99 {Load.Percentile(result.CompleteMs, 99):F2} ms");
    }
    if (settings.Analysis)
        report.Explain = await ExplainAsync(cluster, database, ct);
    report.HostOutputLines = host.OutputLineCount;
    report.HostOutputTail = host.Output;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Log.Progress("interrupted: cleaning up");
    exitCode = 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    if (host is not null)
        Console.Error.WriteLine($"Host output (last lines):\n{host.Output}");
    exitCode = 1;
}
finally
{
    if (host is not null)
        await StopHostAsync(host);
    if (cluster is not null && settings.KeepServerLog is { } keep && File.Exists(Path.Combine(cluster.Folder, "server.log")))
        File.Copy(Path.Combine(cluster.Folder, "server.log"), keep, overwrite: true);
    if (cluster is not null)
        await cluster.DisposeAsync();
    if (dataDirectory is not null && Directory.Exists(dataDirectory))
        Directory.Delete(dataDirectory, recursive: true);
}

report.UptimeAfter = Shell.Capture("uptime");
report.FinishedUtc = DateTime.UtcNow;
Log.Progress($"uptime after: {report.UptimeAfter}");
if (exitCode == 0)
    Console.WriteLine(report.Markdown(root));
return exitCode;

static async Task<string> TopStatementsAsync(Cluster cluster, string database, int instances, CancellationToken ct)
{
    var rows = await cluster.SqlAsync(database,
        $"""
        SELECT s.calls, round(s.total_exec_time::numeric, 1), round(s.mean_exec_time::numeric, 3), s.rows,
               regexp_replace(left(s.query, 110), '\s+', ' ', 'g')
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = '{database}' AND s.query NOT ILIKE '%pg_stat_statements%'
        ORDER BY s.calls DESC LIMIT 30
        """, ct);
    var totals = await cluster.SqlAsync(database,
        $"""
        SELECT sum(s.calls), round(sum(s.total_exec_time)::numeric, 1)
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = '{database}' AND s.query NOT ILIKE '%pg_stat_statements%'
        """, ct);
    var text = new StringBuilder();
    var total = totals.Split('|');
    text.AppendLine(CultureInfo.InvariantCulture, $"All statements: {total[0]} calls, {total[1]} ms execution time in PostgreSQL, for {instances} instances " +
                    $"({double.Parse(total[0], CultureInfo.InvariantCulture) / instances:F1} statements and " +
                    $"{double.Parse(total[1], CultureInfo.InvariantCulture) / instances:F3} ms of execution per instance).");
    text.AppendLine();
    text.AppendLine("| calls | per instance | total ms | mean ms | rows | statement |");
    text.AppendLine("|---:|---:|---:|---:|---:|---|");
    foreach (var row in rows.Split('\n', StringSplitOptions.RemoveEmptyEntries))
    {
        var f = row.Split('|', 5);
        var calls = double.Parse(f[0], CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"| {f[0]} | {calls / instances:F2} | {f[1]} | {f[2]} | {f[3]} | `{f[4].Replace("|", "\\|")}` |");
    }
    return text.ToString();
}

// EXPLAIN ANALYZE of the reads on the task path, with values from the run: the inbox query as TaskRepository.ListAsync
// builds it for scope=group (user agent, group service-desk; copied from the repository when this was written) and the
// task lookup that precedes every completion. Every task of the latency phases is completed by then, so the inbox finds
// none: the plan shows which indexes it uses, not how it scales.
static async Task<string> ExplainAsync(Cluster cluster, string database, CancellationToken ct)
{
    var sizes = await cluster.SqlAsync(database,
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM tasks WHERE status IN ('open', 'claimed')), (SELECT count(*) FROM instances), (SELECT count(*) FROM journal)", ct);
    var taskId = await cluster.SqlAsync(database, "SELECT id FROM tasks ORDER BY created_at DESC LIMIT 1", ct);
    const string columns = """
        t.id, t.instance_id, i.value_stream_id, t.step_id, t.title, t.candidate_group, t.assignee, t.status, t.priority, t.outcomes, t.form,
        t.due_at, t.created_at, t.claimed_by, t.claimed_at, t.completed_by, t.completed_at, t.outcome, t.data
        """;
    const string statuses = "t.status IN ('open', 'claimed')";
    static string Range(string condition, string alias) =>
        $"SELECT id FROM (SELECT t.id FROM tasks t WHERE {condition} AND t.status IN ('open', 'claimed') ORDER BY t.due_at NULLS LAST, t.created_at LIMIT 200) AS {alias}";
    var inbox = $"""
        SELECT {columns} FROM tasks t JOIN instances i ON i.id = t.instance_id
        WHERE t.id IN ({Range("t.candidate_group = 'service-desk'", "g0")} UNION {Range("t.assignee = 'agent'", "a")})
        ORDER BY t.due_at NULLS LAST, t.created_at LIMIT 200
        """;
    var lookup = $"SELECT {columns} FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = '{taskId}'";
    var text = new System.Text.StringBuilder();
    var n = sizes.Split('|');
    text.AppendLine(CultureInfo.InvariantCulture, $"Tables at the end: {n[0]} tasks ({n[1]} open), {n[2]} instances, {n[3]} journal lines. Condition `{statuses}` as the repository writes it.");
    text.AppendLine();
    foreach (var (name, sql) in new[] { ("inbox, scope=group (GET /api/tasks?scope=group)", inbox), ("task lookup by id (before every completion)", lookup) })
    {
        var plan = await cluster.SqlAsync(database, $"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", ct);
        text.AppendLine(CultureInfo.InvariantCulture, $"{name}:");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(plan);
        text.AppendLine("```");
        text.AppendLine();
    }
    return text.ToString();
}

// The built host started as a child process on PostgreSQL, exactly as an operator would:
// `dotnet ValueStreams.Host.dll --urls http://127.0.0.1:port` with the storage provider, connection string,
// demo users, Production environment and Warning log level from environment variables. Inherited
// ValueStreams__*, ConnectionStrings__*, ASPNETCORE_* and Logging__* variables are dropped.
static async Task<SpawnedHost> StartHostAsync(string hostDll, string root, string dataDirectory, string connectionString,
    IReadOnlyList<(string Name, string Value)> extraEnvironment, CancellationToken ct)
{
    var environment = new Dictionary<string, string>
    {
        ["ValueStreams__Root"] = root,
        ["ValueStreams__Storage__DataDirectory"] = dataDirectory,
        ["ValueStreams__Storage__Provider"] = "PostgreSql",
        ["ConnectionStrings__ValueStreams"] = connectionString,
        ["ValueStreams__DemoUsers"] = "true",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
    };
    foreach (var (name, value) in extraEnvironment)
        environment[name] = value;
    var host = SpawnedHost.Start(new HostStartInfo
    {
        HostAssembly = hostDll,
        WorkingDirectory = root,
        DroppedVariables = [.. HostStartInfo.HostSettingVariables, "Logging__"],
        Environment = environment,
        ReadyTimeout = TimeSpan.FromSeconds(120),
        PollInterval = TimeSpan.FromMilliseconds(50),
        PollRequestTimeout = TimeSpan.FromSeconds(2),
        KeptOutputLines = 200,
    });
    Log.Progress($"host started (pid {host.ProcessId}) on {host.BaseAddress}");
    try
    {
        var clock = Stopwatch.StartNew();
        await host.WaitUntilReadyAsync(ct);
        Log.Progress($"host ready in {clock.Elapsed.TotalMilliseconds:F0} ms");
        return host;
    }
    catch
    {
        await StopHostAsync(host);
        throw;
    }
}

// A normal shutdown (SIGTERM), killed if it takes longer than 15 s.
static async Task StopHostAsync(SpawnedHost host)
{
    if (!host.HasExited)
    {
        Log.Progress("stopping the host");
        await host.StopAsync(TimeSpan.FromSeconds(15));
    }
    await host.DisposeAsync();
}

internal sealed record Settings(
    int Clients, int Seconds, int WarmupSeconds, int LatencyInstances, int LatencyWarmup, int PgbenchSeconds, int PgbenchScale,
    int? Port, string PostgresBin, string Configuration, bool Analysis)
{
    /// <summary>Extra environment variables for the host (diagnostics, e.g. DOTNET_PerfMapEnabled=1 for perf).</summary>
    public List<(string Name, string Value)> HostEnvironment { get; init; } = [];

    /// <summary>Extra server settings (-c name=value), e.g. log_min_duration_statement=0 to trace the critical path.</summary>
    public List<string> PostgresOptions { get; init; } = [];

    /// <summary>Copy the server log here before the cluster is removed.</summary>
    public string? KeepServerLog { get; init; }

    /// <summary>Extra Npgsql connection-string options for the host, e.g. "No Reset On Close=true".</summary>
    public string? ConnectionOptions { get; init; }

    public const string Usage = """
        Engine throughput and task-to-task latency of ValueStreams.Host on a durable throwaway PostgreSQL cluster,
        with pgbench TPC-B as the reference.

        Build the host first:   dotnet build -c Release src/ValueStreams.Host
        Then, from the repository (as root or as a user that may run PostgreSQL):
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Engine -- [options]

        Options:
          --clients N             concurrent clients for pgbench, throughput and the concurrent latency run (default 8)
          --seconds S             throughput window after the warm-up (default 30)
          --warmup-seconds S      throughput warm-up, not counted (default 5)
          --latency-instances N   task-to-task instances per latency run (default 500)
          --latency-warmup N      task-to-task instances before those, not recorded (default 20)
          --pgbench-seconds S     pgbench -T (default 30)
          --pgbench-scale N       pgbench -i -s (default 10)
          --port P                PostgreSQL port (default: a free one)
          --pg-bin DIR            PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
          --configuration Release|Debug  which build of the host to start (default Release)
          --analysis              also load pg_stat_statements and I/O timing, and list the statements per phase
                                  (changes the server's configuration: report headline figures from a run without it)
          --host-env NAME=VALUE   an extra environment variable for the host (repeatable; diagnostics such as
                                  DOTNET_PerfMapEnabled=1 for perf)
          --connection-options O  appended to the host's connection string (experiments, e.g. "Max Auto Prepare=64")
          --pg-option NAME=VALUE  an extra server setting (repeatable; diagnostics such as log_min_duration_statement=0)
          --keep-server-log PATH  copy PostgreSQL's log to PATH before the cluster is removed
          -h, --help              this text
        """;

    public static Settings? Parse(string[] args) =>
        BenchmarkArguments.Parse(args, new Settings(8, 30, 5, 500, 20, 30, 10, null, "/usr/lib/postgresql/15/bin", "Release", false), (s, read) => read.Option switch
        {
            "--clients" => s with { Clients = read.Positive() },
            "--seconds" => s with { Seconds = read.Positive() },
            "--warmup-seconds" => s with { WarmupSeconds = read.Positive() },
            "--latency-instances" => s with { LatencyInstances = read.Positive() },
            "--latency-warmup" => s with { LatencyWarmup = read.Positive() },
            "--pgbench-seconds" => s with { PgbenchSeconds = read.Positive() },
            "--pgbench-scale" => s with { PgbenchScale = read.Positive() },
            "--port" => s with { Port = read.Positive() },
            "--pg-bin" => s with { PostgresBin = read.Value() },
            "--analysis" => s with { Analysis = true },
            "--host-env" => read.Value() is var pair && pair.IndexOf('=') > 0
                ? s with { HostEnvironment = [.. s.HostEnvironment, (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..])] }
                : throw new ArgumentException("--host-env needs NAME=VALUE"),
            "--connection-options" => s with { ConnectionOptions = read.Value() },
            "--pg-option" => s with { PostgresOptions = [.. s.PostgresOptions, read.Value()] },
            "--keep-server-log" => s with { KeepServerLog = Path.GetFullPath(read.Value()) },
            "--configuration" or "-c" => s with { Configuration = read.Configuration() },
            _ => throw read.Unknown(),
        });
}
