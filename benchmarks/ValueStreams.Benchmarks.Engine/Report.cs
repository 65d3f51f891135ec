using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>Everything one run measured, printed as Markdown.</summary>
internal sealed class Report
{
    public const double RatioGoal = 1.0 / 3;
    public const double P99GoalMs = 25;

    public required Settings Settings { get; init; }
    public required string CommandLine { get; init; }
    public DateTime StartedUtc { get; set; }
    public DateTime FinishedUtc { get; set; }
    public string UptimeBefore { get; set; } = "";
    public string UptimeAfter { get; set; } = "";
    public string PostgresVersion { get; set; } = "";
    public string PostgresSettings { get; set; } = "";
    public double PgbenchTps { get; set; }
    public string PgbenchOutput { get; set; } = "";
    public CpuUse? Idle { get; set; }
    public ThroughputResult? Throughput { get; set; }
    public DbCounters? ThroughputDb { get; set; }
    public string? ThroughputStatements { get; set; }
    public List<(LatencyResult Result, DbCounters Db, string? Statements)> Latency { get; } = [];
    public string? Explain { get; set; }
    public int HostOutputLines { get; set; }
    public string HostOutputTail { get; set; } = "";

    private static string F(double value, int decimals = 1) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    public string Markdown(string root)
    {
        var t = Throughput!;
        var ratio = t.PerSecond / PgbenchTps;
        var text = new StringBuilder();
        void Line(string line = "") => text.AppendLine(line);

        Line($"Command: `{CommandLine}` (host: `src/ValueStreams.Host/bin/{Settings.Configuration}/net10.0/ValueStreams.Host.dll`).");
        Line();
        Line($"Run: {StartedUtc:yyyy-MM-dd HH:mm:ss} – {FinishedUtc:HH:mm:ss} UTC.");
        if (Settings.PostgresOptions.Count > 0)
            Line($"\nDiagnostic server settings: {string.Join(", ", Settings.PostgresOptions.Select(o => $"`{o}`"))}.");
        if (Settings.HostEnvironment.Count > 0 || Settings.ConnectionOptions is not null)
            Line($"\nDiagnostic settings for the host: {string.Join(", ", Settings.HostEnvironment.Select(e => $"`{e.Name}={e.Value}`"))}" +
                 (Settings.ConnectionOptions is { } o ? $" connection options `{o}`" : "") + ".");
        Line();
        Line("| measure | result | goal | met |");
        Line("|---|---:|---|---|");
        Line($"| pgbench TPC-B, {Settings.Clients} clients (scale {Settings.PgbenchScale}, {Settings.PgbenchSeconds} s) | {F(PgbenchTps)} TPS | reference | |");
        Line($"| completed instances/s, 10-step automated stream, {Settings.Clients} clients ({Settings.Seconds} s after {Settings.WarmupSeconds} s warm-up) | {F(t.PerSecond)} | | |");
        Line($"| ratio to pgbench TPS | {F(ratio, 3)} (1/{F(1 / ratio, 2)}) | ≥ 1/3 (0.333) | {(ratio >= RatioGoal ? "yes" : "**no**")} |");
        foreach (var (r, _, _) in Latency)
        {
            var p99 = Load.Percentile(r.CompleteMs, 99);
            Line($"| task-to-task p50 / p99, {r.Clients} client{(r.Clients == 1 ? "" : "s")} ({r.Instances} instances) | " +
                 $"{F(Load.Percentile(r.CompleteMs, 50), 2)} / {F(p99, 2)} ms | p99 < {P99GoalMs:F0} ms | {(p99 < P99GoalMs ? "yes" : "**no**")} |");
        }
        Line();

        Line("Throughput (automated stream, one `POST /api/value-streams/{id}/instances` per instance, which runs it to the end):");
        Line();
        Line("| clients | window s | completed | instances/s | not completed | errors | start round trip p50 / p90 / p99 / max ms |");
        Line("|---:|---:|---:|---:|---:|---:|---|");
        Line($"| {t.Clients} | {F(t.Window.TotalSeconds, 0)} | {t.Completed} | {F(t.PerSecond)} | {t.NotCompleted} | {t.Errors} | " +
             $"{F(Load.Percentile(t.LatenciesMs, 50), 2)} / {F(Load.Percentile(t.LatenciesMs, 90), 2)} / {F(Load.Percentile(t.LatenciesMs, 99), 2)} / {F(t.LatenciesMs.LastOrDefault(), 2)} |");
        if (t.ErrorSamples.Count > 0)
            Line($"\nResponses other than `completed` (first {t.ErrorSamples.Count}): {string.Join("; ", t.ErrorSamples.Select(e => $"`{e}`"))}");
        Line();

        Line("Task-to-task latency (ms; \"complete A\" is the round trip of `POST /api/tasks/{A}/complete`, whose response returns after the " +
             "transaction that creates B has committed; \"+ list B\" adds the inbox query `GET /api/tasks?scope=group` that must show B open):");
        Line();
        Line("| clients | measure | n | p50 | p90 | p99 | max | mean |");
        Line("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (r, _, _) in Latency)
        {
            void Row(string name, double[] v) =>
                Line($"| {r.Clients} | {name} | {v.Length} | {F(Load.Percentile(v, 50), 2)} | {F(Load.Percentile(v, 90), 2)} | " +
                     $"{F(Load.Percentile(v, 99), 2)} | {F(v.LastOrDefault(), 2)} | {F(v.Length == 0 ? double.NaN : v.Average(), 2)} |");
            Row("**complete A (task to task)**", r.CompleteMs);
            Row("complete A + list B", r.VisibleMs);
            Row("list B alone (GET)", r.ListMs);
            Row("start (→ A)", r.StartMs);
            Row("complete B (→ end)", r.CompleteBMs);
        }
        Line();
        foreach (var (r, _, _) in Latency)
            Line($"- {r.Clients} client{(r.Clients == 1 ? "" : "s")}: B listed open right after A's completion for {r.Instances - r.NotVisible} of {r.Instances} instances; " +
                 $"{r.Failures} failed requests{(r.ErrorSamples.Count > 0 ? ": " + string.Join("; ", r.ErrorSamples.Select(e => $"`{e}`")) : "")}; " +
                 $"{F(r.Elapsed.TotalSeconds)} s for {r.Instances + Settings.LatencyWarmup} instances (3 writes + 1 read each).");
        Line();

        Line($"CPU by phase (share of all {Environment.ProcessorCount} CPUs over the phase, from /proc; \"other\" is everything else on the machine):");
        Line();
        Line("| phase | machine busy | host | PostgreSQL | load generator | other | host CPU ms per op | PostgreSQL CPU ms per op |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        void CpuRow(string name, CpuUse c, double operations, string op) =>
            Line($"| {name} | {F(c.MachinePercent)} % | {F(c.HostPercent)} % | {F(c.PostgresPercent)} % | {F(c.GeneratorPercent)} % | {F(c.OtherPercent)} % | " +
                 $"{F(1000 * c.HostSeconds / operations, 2)} {op} | {F(1000 * c.PostgresSeconds / operations, 2)} {op} |");
        if (Idle is { } idle)
            Line($"| idle, no requests (10 s after the imports) | {F(idle.MachinePercent)} % | {F(idle.HostPercent)} % | {F(idle.PostgresPercent)} % | " +
                 $"{F(idle.GeneratorPercent)} % | {F(idle.OtherPercent)} % | {F(1000 * idle.HostSeconds / idle.Seconds, 1)} per s | {F(1000 * idle.PostgresSeconds / idle.Seconds, 1)} per s |");
        CpuRow($"throughput ({t.Clients} clients, {F(t.Window.TotalSeconds, 0)} s window)", t.Cpu, t.Completed, "/ instance");
        foreach (var (r, _, _) in Latency)
            CpuRow($"task-to-task ({r.Clients} client{(r.Clients == 1 ? "" : "s")})", r.Cpu, r.Instances, "/ instance (4 requests)");
        Line();

        Line("Database work (pg_stat_database and pg_stat_wal deltas over the phase, divided by the instances of the phase, warm-up included):");
        Line();
        Line("| phase | instances | transactions / instance | rows inserted / instance | rows updated / instance | WAL KB / instance | WAL flushes (fsync) | transactions per flush |" +
             (Settings.Analysis ? " mean flush ms |" : ""));
        Line("|---|---:|---:|---:|---:|---:|---:|---:|" + (Settings.Analysis ? "---:|" : ""));
        void DbRow(string name, DbCounters d, double instances) =>
            Line($"| {name} | {instances:F0} | {F(d.Commits / instances, 2)} | {F(d.Inserted / instances, 1)} | {F(d.Updated / instances, 1)} | " +
                 $"{F(d.WalBytes / 1024 / instances, 1)} | {d.WalSyncs:F0} | {F(d.WalSyncs == 0 ? 0 : d.Commits / d.WalSyncs, 2)} |" +
                 (Settings.Analysis ? $" {F(d.WalSyncs == 0 ? 0 : d.WalSyncMs / d.WalSyncs, 3)} |" : ""));
        DbRow("throughput", ThroughputDb!, t.TotalCompleted + 1);
        foreach (var (r, d, _) in Latency)
            DbRow($"task-to-task ({r.Clients})", d, r.Instances + Settings.LatencyWarmup);
        Line();
        Line("Transactions include the host's reads (each is its own implicit transaction) and Hangfire's; the throughput row counts " +
             "every completed start, warm-up and probe included.");
        Line();

        if (Settings.Analysis)
        {
            Line("Statements (pg_stat_statements, by calls):");
            Line();
            Line("Throughput phase:");
            Line();
            Line(ThroughputStatements ?? "");
            foreach (var (r, _, statements) in Latency)
            {
                Line($"Task-to-task phase, {r.Clients} client{(r.Clients == 1 ? "" : "s")} (per instance = start + complete A + list + complete B):");
                Line();
                Line(statements ?? "");
            }
        }

        if (Explain is not null)
        {
            Line("Plans of the reads on the task path (EXPLAIN ANALYZE after the run):");
            Line();
            Line(Explain);
        }

        Line("pgbench:");
        Line();
        Line("```");
        Line(PgbenchOutput);
        Line("```");
        Line();

        Line("Machine and software:");
        Line();
        Line($"- CPUs (nproc): {Shell.Capture("nproc")}; CPU model: {CpuModel()}");
        Line($"- memory: {TotalMemory()}; OS: {RuntimeInformation.OSDescription}");
        Line($"- PostgreSQL: {PostgresVersion}");
        Line($"- PostgreSQL settings: {PostgresSettings} (everything else initdb's default)");
        Line($"- .NET: SDK {Shell.Capture("dotnet", "--version")}, runtime {Environment.Version} ({RuntimeInformation.FrameworkDescription})");
        Line($"- date -u at the end: {Shell.Capture("date", "-u")}");
        Line($"- uptime before: `{UptimeBefore}`");
        Line($"- uptime after: `{UptimeAfter}`");
        Line($"- the host wrote {HostOutputLines} lines of output (log level Warning){(HostOutputLines > 0 ? "; the last ones:" : ".")}");
        if (HostOutputLines > 0)
        {
            Line();
            Line("```");
            Line(string.Join('\n', HostOutputTail.Split('\n').TakeLast(10)));
            Line("```");
        }
        return text.ToString();
    }

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    private static string TotalMemory()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return $"{kb / 1024.0 / 1024.0:F1} GB";
    }
}
