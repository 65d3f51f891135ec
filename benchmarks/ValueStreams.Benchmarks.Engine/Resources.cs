using System.Diagnostics;
using System.Globalization;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>
/// CPU time from /proc, read at the start and end of a measured window: the whole machine (/proc/stat), the
/// host process, every process of the PostgreSQL cluster (the postmaster and its children: backends, WAL writer,
/// checkpointer…) and this load generator. What the machine spent beyond those three is "other" (other processes).
/// </summary>
internal sealed record CpuSample(TimeSpan At, double MachineBusy, double MachineTotal, double Host, double Postgres, double Generator)
{
    private static readonly double TicksPerSecond = double.Parse(Shell.Capture("getconf", "CLK_TCK") is var t && t != "unknown" ? t : "100",
        CultureInfo.InvariantCulture);

    public static CpuSample Take(Stopwatch clock, int hostPid, int postmasterPid)
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return new CpuSample(clock.Elapsed, (total - idle) / TicksPerSecond, total / TicksPerSecond,
            ProcessSeconds(hostPid), PostgresSeconds(postmasterPid), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    }

    /// <summary>utime + stime of a process in seconds (0 when it is gone).</summary>
    private static double ProcessSeconds(int pid)
    {
        var stat = Stat(pid);
        return stat is null ? 0 : (stat.Value.UTime + stat.Value.STime) / TicksPerSecond;
    }

    private static double PostgresSeconds(int postmasterPid)
    {
        var seconds = ProcessSeconds(postmasterPid);
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == postmasterPid)
                continue;
            if (Stat(pid) is { } stat && stat.ParentPid == postmasterPid)
                seconds += (stat.UTime + stat.STime) / TicksPerSecond;
        }
        return seconds;
    }

    private static (int ParentPid, double UTime, double STime)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); ppid is field 4, utime 14, stime 15.
        return (int.Parse(rest[1], CultureInfo.InvariantCulture),
            double.Parse(rest[11], CultureInfo.InvariantCulture), double.Parse(rest[12], CultureInfo.InvariantCulture));
    }
}

/// <summary>CPU used between two samples, as a share of the machine (100 % = every CPU busy for the whole window).</summary>
internal sealed record CpuUse(double Seconds, double MachinePercent, double HostPercent, double PostgresPercent, double GeneratorPercent, double OtherPercent,
    double HostSeconds, double PostgresSeconds, double GeneratorSeconds)
{
    public static CpuUse Between(CpuSample from, CpuSample to)
    {
        var capacity = to.MachineTotal - from.MachineTotal;
        double Percent(double seconds) => capacity <= 0 ? 0 : 100 * seconds / capacity;
        var host = to.Host - from.Host;
        var postgres = to.Postgres - from.Postgres;
        var generator = to.Generator - from.Generator;
        var busy = to.MachineBusy - from.MachineBusy;
        return new CpuUse((to.At - from.At).TotalSeconds, Percent(busy), Percent(host), Percent(postgres), Percent(generator),
            Percent(Math.Max(0, busy - host - postgres - generator)), host, postgres, generator);
    }
}

/// <summary>Counters of the benchmark database and of the WAL (pg_stat_database, pg_stat_wal).</summary>
internal sealed record DbCounters(double Commits, double Rollbacks, double Inserted, double Updated, double WalRecords, double WalBytes,
    double WalWrites, double WalSyncs, double WalSyncMs)
{
    public static async Task<DbCounters> TakeAsync(Cluster cluster, string database, CancellationToken cancellationToken)
    {
        // Backends report their counters at most once a second (and at exit): give them time to do so.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var line = await cluster.SqlAsync(database,
            $"""
            SELECT d.xact_commit, d.xact_rollback, d.tup_inserted, d.tup_updated, w.wal_records, w.wal_bytes, w.wal_write, w.wal_sync, w.wal_sync_time
            FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = '{database}'
            """, cancellationToken);
        var v = line.Split('|').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return new DbCounters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    public DbCounters Minus(DbCounters o) => new(Commits - o.Commits, Rollbacks - o.Rollbacks, Inserted - o.Inserted, Updated - o.Updated,
        WalRecords - o.WalRecords, WalBytes - o.WalBytes, WalWrites - o.WalWrites, WalSyncs - o.WalSyncs, WalSyncMs - o.WalSyncMs);
}
