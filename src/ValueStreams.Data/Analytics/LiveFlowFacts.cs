using System.Data.Common;
using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Data.Analytics;

/// <summary>The instances of one stream (and version, if given) started, or completed, from <see cref="From"/> until <see cref="To"/>.</summary>
internal sealed record FlowSlice(string StreamId, int? Version, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Per-step, per-priority and touch figures of a slice of a stream's instances, aggregated in SQL from the live tables (journal,
/// tasks). The analytics read uses them for the parts of a window that do not cover whole days; the roll-up refresh uses them to
/// recompute a day. Each figure is a sum or a count, so slices over disjoint instances add up.
/// </summary>
internal static class LiveFlowFacts
{
    // The instances of the stream (and version, if given); the slice is added per query.
    public const string OfStream = "i.value_stream_id = @streamId AND (CAST(@version AS INTEGER) IS NULL OR i.version = @version)";
    public const string StartedInSlice = "i.created_at >= @from AND i.created_at < @to";

    // A task's wait ends when it is claimed, or when it is completed without a claim; its touch runs from then to completion.
    public const string PickedUp = "COALESCE(t.claimed_at, CASE WHEN t.status = 'completed' THEN t.completed_at END)";

    public static object Parameters(FlowSlice slice) => new { streamId = slice.StreamId, version = slice.Version, from = slice.From, to = slice.To };

    /// <summary>Visits and task times per step over the instances started in the slice.</summary>
    public static async Task<List<StepFacts>> StepsAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, FlowSlice slice,
        CancellationToken cancellationToken)
    {
        var wait = dialect.SecondsBetween("t.created_at", PickedUp);
        var touch = dialect.SecondsBetween(PickedUp, "t.completed_at");
        var visits = (await connection.QueryAsync<VisitRow>(new CommandDefinition(
                $"""
                SELECT v.step_id AS StepId, CAST(SUM(v.entered) AS BIGINT) AS Visits, COUNT(*) AS Instances
                FROM (SELECT j.step_id, j.instance_id, COUNT(*) AS entered
                      FROM journal j JOIN instances i ON i.id = j.instance_id
                      WHERE {OfStream} AND {StartedInSlice} AND j.event = 'step-entered' AND j.step_id IS NOT NULL
                      GROUP BY j.step_id, j.instance_id) v
                GROUP BY v.step_id
                """, Parameters(slice), transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.StepId, StringComparer.Ordinal);
        var work = (await connection.QueryAsync<WorkRow>(new CommandDefinition(
                $"""
                SELECT t.step_id AS StepId, COUNT(*) AS Tasks,
                       SUM(CASE WHEN {PickedUp} IS NOT NULL THEN 1 ELSE 0 END) AS Claimed,
                       SUM(CASE WHEN {PickedUp} IS NOT NULL THEN {wait} ELSE 0 END) AS WaitSeconds,
                       SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END) AS Completed,
                       SUM(CASE WHEN t.status = 'completed' THEN {touch} ELSE 0 END) AS TouchSeconds
                FROM tasks t JOIN instances i ON i.id = t.instance_id
                WHERE {OfStream} AND {StartedInSlice}
                GROUP BY t.step_id
                """, Parameters(slice), transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.StepId, StringComparer.Ordinal);
        return visits.Keys.Union(work.Keys, StringComparer.Ordinal)
            .Select(id =>
            {
                var seen = visits.GetValueOrDefault(id);
                var done = work.GetValueOrDefault(id);
                return new StepFacts(id, (int)(seen?.Visits ?? 0), (int)(seen?.Instances ?? 0), (int)(done?.Tasks ?? 0), (int)(done?.Claimed ?? 0),
                    done?.WaitSeconds ?? 0, (int)(done?.Completed ?? 0), done?.TouchSeconds ?? 0);
            })
            .ToList();
    }

    /// <summary>Service-level targets met and missed per priority over the tasks of the instances started in the slice.</summary>
    public static async Task<List<ServiceLevelFacts>> ServiceLevelsAsync(DbConnection connection, DbTransaction? transaction, FlowSlice slice,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ServiceLevelRow>(new CommandDefinition(
            $"""
            SELECT t.priority AS Priority,
                   SUM(CASE WHEN t.respond_by IS NOT NULL THEN 1 ELSE 0 END) AS ResponseTargets,
                   SUM(CASE WHEN t.respond_by IS NOT NULL AND t.response_missed_at IS NULL AND {PickedUp} <= t.respond_by THEN 1 ELSE 0 END) AS ResponseMet,
                   SUM(CASE WHEN t.respond_by IS NOT NULL AND (t.response_missed_at IS NOT NULL OR {PickedUp} > t.respond_by) THEN 1 ELSE 0 END) AS ResponseBreached,
                   SUM(CASE WHEN t.resolve_by IS NOT NULL THEN 1 ELSE 0 END) AS ResolutionTargets,
                   SUM(CASE WHEN t.resolve_by IS NOT NULL AND t.resolution_missed_at IS NULL AND t.status = 'completed' AND t.completed_at <= t.resolve_by
                       THEN 1 ELSE 0 END) AS ResolutionMet,
                   SUM(CASE WHEN t.resolve_by IS NOT NULL AND (t.resolution_missed_at IS NOT NULL OR (t.status = 'completed' AND t.completed_at > t.resolve_by))
                       THEN 1 ELSE 0 END) AS ResolutionBreached
            FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {OfStream} AND {StartedInSlice} AND (t.respond_by IS NOT NULL OR t.resolve_by IS NOT NULL)
            GROUP BY t.priority
            """, Parameters(slice), transaction, cancellationToken: cancellationToken)))
        .Select(r => r.ToFacts())
        .ToList();

    /// <summary>The touch time of the completed tasks of the instances completed in the slice.</summary>
    public static async Task<double> TouchOfCompletedAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, FlowSlice slice,
        CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<double?>(new CommandDefinition(
            $"""
            SELECT SUM({dialect.SecondsBetween(PickedUp, "t.completed_at")}) FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {OfStream} AND i.status = 'completed' AND i.completed_at >= @from AND i.completed_at < @to AND t.status = 'completed'
            """, Parameters(slice), transaction, cancellationToken: cancellationToken)) ?? 0;

    /// <summary>Two slices' step figures together, step by step.</summary>
    public static List<StepFacts> Add(IEnumerable<StepFacts> steps) =>
        steps.GroupBy(s => s.StepId, StringComparer.Ordinal)
            .Select(g => new StepFacts(g.Key, g.Sum(s => s.Visits), g.Sum(s => s.InstancesVisiting), g.Sum(s => s.Tasks), g.Sum(s => s.Claimed),
                g.Sum(s => s.WaitSeconds), g.Sum(s => s.Completed), g.Sum(s => s.TouchSeconds)))
            .ToList();

    /// <summary>Slices' service-level figures together, priority by priority.</summary>
    public static List<ServiceLevelFacts> Add(IEnumerable<ServiceLevelFacts> levels) =>
        levels.GroupBy(l => l.Priority)
            .Select(g => new ServiceLevelFacts(g.Key, g.Sum(l => l.ResponseTargets), g.Sum(l => l.ResponseMet), g.Sum(l => l.ResponseBreached),
                g.Sum(l => l.ResolutionTargets), g.Sum(l => l.ResolutionMet), g.Sum(l => l.ResolutionBreached)))
            .ToList();

    private sealed class VisitRow
    {
        public string StepId { get; init; } = "";
        public long Visits { get; init; }
        public long Instances { get; init; }
    }

    private sealed class WorkRow
    {
        public string StepId { get; init; } = "";
        public long Tasks { get; init; }
        public long Claimed { get; init; }
        public double? WaitSeconds { get; init; }
        public long Completed { get; init; }
        public double? TouchSeconds { get; init; }
    }

    /// <summary>Service-level figures of one priority as SQL gives them.</summary>
    internal sealed class ServiceLevelRow
    {
        public ServiceLevelFacts ToFacts() => new(Priority is { } p ? (int)p : null, (int)ResponseTargets, (int)ResponseMet, (int)ResponseBreached,
            (int)ResolutionTargets, (int)ResolutionMet, (int)ResolutionBreached);

        public long? Priority { get; init; }
        public long ResponseTargets { get; init; }
        public long ResponseMet { get; init; }
        public long ResponseBreached { get; init; }
        public long ResolutionTargets { get; init; }
        public long ResolutionMet { get; init; }
        public long ResolutionBreached { get; init; }
    }
}
