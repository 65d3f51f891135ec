using System.Globalization;
using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Data.Analytics;

/// <summary>One line of a stream's event log: a step entered, completed or faulted in an instance.</summary>
public sealed record EventLogLine(
    string InstanceId, int Version, string InstanceStatus, DateTimeOffset StartedAt, long Sequence, DateTimeOffset At, string StepId, string Event,
    string? Actor, string? Outcome);

/// <summary>
/// Reads a value stream's flow facts from the live tables (instances, journal, tasks) for the analytics calculator. Counts,
/// sums and per-step figures are aggregated in SQL; only the lead times of the instances completed in the window and a
/// capped sample of paths come back as rows. Nothing is cached, so the figures are as fresh as the last committed run.
/// </summary>
public sealed class FlowFactsQueries(ConnectionFactory connections)
{
    /// <summary>How many completed instances (the latest started in the window) the variants and conformance are computed over.</summary>
    public const int PathSampleLimit = 2000;

    // The instances of the stream (and version, if given); the window is added per query.
    private const string OfStream = "i.value_stream_id = @streamId AND (CAST(@version AS INTEGER) IS NULL OR i.version = @version)";
    private const string StartedInWindow = "i.created_at >= @from AND i.created_at < @to";

    public async Task<FlowFacts> ReadAsync(string streamId, int? version, DateTimeOffset from, DateTimeOffset to, FlowBucket bucket,
        CancellationToken cancellationToken = default)
    {
        var dialect = connections.Dialect;
        var parameters = new { streamId, version, from, to, limit = PathSampleLimit };
        var lead = dialect.SecondsBetween("i.created_at", "i.completed_at");
        // A task's wait ends when it is claimed, or when it is completed without a claim; its touch runs from then to completion.
        var pickedUp = "COALESCE(t.claimed_at, CASE WHEN t.status = 'completed' THEN t.completed_at END)";
        var wait = dialect.SecondsBetween("t.created_at", pickedUp);
        var touch = dialect.SecondsBetween(pickedUp, "t.completed_at");
        await using var connection = await connections.OpenAsync(cancellationToken);

        Task<T> Scalar<T>(string sql) => connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))!;
        async Task<List<T>> Rows<T>(string sql) =>
            (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();

        var inProgressAtStart = await Scalar<long>(
            $"SELECT COUNT(*) FROM instances i WHERE {OfStream} AND i.created_at < @from AND (i.completed_at IS NULL OR i.completed_at >= @from)");

        var started = await Rows<DayRow>(
            $"""
            SELECT {dialect.UtcDay("i.created_at")} AS Day, COUNT(*) AS Started FROM instances i
            WHERE {OfStream} AND {StartedInWindow} GROUP BY {dialect.UtcDay("i.created_at")}
            """);
        var ended = await Rows<DayRow>(
            $"""
            SELECT {dialect.UtcDay("i.completed_at")} AS Day, COUNT(*) AS Ended, SUM(CASE WHEN i.status = 'completed' THEN 1 ELSE 0 END) AS Completed
            FROM instances i WHERE {OfStream} AND i.completed_at >= @from AND i.completed_at < @to GROUP BY {dialect.UtcDay("i.completed_at")}
            """);
        var days = started.Concat(ended)
            .GroupBy(d => d.Day)
            .Select(g => new DailyFlow(DateOnly.ParseExact(g.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                (int)g.Sum(d => d.Started), (int)g.Sum(d => d.Completed), (int)g.Sum(d => d.Ended)))
            .OrderBy(d => d.Day)
            .ToList();

        var completed = (await Rows<CompletedRow>(
                $"""
                SELECT i.completed_at AS CompletedAt, {lead} AS LeadSeconds FROM instances i
                WHERE {OfStream} AND i.status = 'completed' AND i.completed_at >= @from AND i.completed_at < @to
                """))
            .Select(r => new CompletedInstance(r.CompletedAt, r.LeadSeconds))
            .ToList();
        var touchOfCompleted = await Scalar<double?>(
            $"""
            SELECT SUM({touch}) FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {OfStream} AND i.status = 'completed' AND i.completed_at >= @from AND i.completed_at < @to AND t.status = 'completed'
            """) ?? 0;

        var visits = (await Rows<VisitRow>(
                $"""
                SELECT v.step_id AS StepId, CAST(SUM(v.entered) AS BIGINT) AS Visits, COUNT(*) AS Instances
                FROM (SELECT j.step_id, j.instance_id, COUNT(*) AS entered
                      FROM journal j JOIN instances i ON i.id = j.instance_id
                      WHERE {OfStream} AND {StartedInWindow} AND j.event = 'step-entered' AND j.step_id IS NOT NULL
                      GROUP BY j.step_id, j.instance_id) v
                GROUP BY v.step_id
                """))
            .ToDictionary(r => r.StepId, StringComparer.Ordinal);
        var work = (await Rows<WorkRow>(
                $"""
                SELECT t.step_id AS StepId, COUNT(*) AS Tasks,
                       SUM(CASE WHEN {pickedUp} IS NOT NULL THEN 1 ELSE 0 END) AS Claimed,
                       SUM(CASE WHEN {pickedUp} IS NOT NULL THEN {wait} ELSE 0 END) AS WaitSeconds,
                       SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END) AS Completed,
                       SUM(CASE WHEN t.status = 'completed' THEN {touch} ELSE 0 END) AS TouchSeconds
                FROM tasks t JOIN instances i ON i.id = t.instance_id
                WHERE {OfStream} AND {StartedInWindow}
                GROUP BY t.step_id
                """))
            .ToDictionary(r => r.StepId, StringComparer.Ordinal);
        var steps = visits.Keys.Union(work.Keys, StringComparer.Ordinal)
            .Select(id =>
            {
                var seen = visits.GetValueOrDefault(id);
                var done = work.GetValueOrDefault(id);
                return new StepFacts(id, (int)(seen?.Visits ?? 0), (int)(seen?.Instances ?? 0), (int)(done?.Tasks ?? 0), (int)(done?.Claimed ?? 0),
                    done?.WaitSeconds ?? 0, (int)(done?.Completed ?? 0), done?.TouchSeconds ?? 0);
            })
            .ToList();

        var paths = (await Rows<PathRow>(
                $"""
                SELECT s.Id AS InstanceId, s.LeadSeconds AS LeadSeconds, j.step_id AS StepId
                FROM (SELECT i.id AS Id, i.created_at AS CreatedAt, {lead} AS LeadSeconds FROM instances i
                      WHERE {OfStream} AND {StartedInWindow} AND i.status = 'completed'
                      ORDER BY i.created_at DESC LIMIT @limit) s
                JOIN journal j ON j.instance_id = s.Id
                WHERE j.event = 'step-entered' AND j.step_id IS NOT NULL
                ORDER BY s.CreatedAt DESC, s.Id, j.id
                """))
            .GroupBy(r => r.InstanceId, StringComparer.Ordinal)
            .Select(g => new InstancePath(g.Key, g.Select(r => r.StepId).ToList(), g.First().LeadSeconds))
            .ToList();

        var serviceLevels = (await Rows<ServiceLevelRow>(
                $"""
                SELECT t.priority AS Priority,
                       SUM(CASE WHEN t.respond_by IS NOT NULL THEN 1 ELSE 0 END) AS ResponseTargets,
                       SUM(CASE WHEN t.respond_by IS NOT NULL AND t.response_missed_at IS NULL AND {pickedUp} <= t.respond_by THEN 1 ELSE 0 END) AS ResponseMet,
                       SUM(CASE WHEN t.respond_by IS NOT NULL AND (t.response_missed_at IS NOT NULL OR {pickedUp} > t.respond_by) THEN 1 ELSE 0 END) AS ResponseBreached,
                       SUM(CASE WHEN t.resolve_by IS NOT NULL THEN 1 ELSE 0 END) AS ResolutionTargets,
                       SUM(CASE WHEN t.resolve_by IS NOT NULL AND t.resolution_missed_at IS NULL AND t.status = 'completed' AND t.completed_at <= t.resolve_by
                           THEN 1 ELSE 0 END) AS ResolutionMet,
                       SUM(CASE WHEN t.resolve_by IS NOT NULL AND (t.resolution_missed_at IS NOT NULL OR (t.status = 'completed' AND t.completed_at > t.resolve_by))
                           THEN 1 ELSE 0 END) AS ResolutionBreached
                FROM tasks t JOIN instances i ON i.id = t.instance_id
                WHERE {OfStream} AND {StartedInWindow} AND (t.respond_by IS NOT NULL OR t.resolve_by IS NOT NULL)
                GROUP BY t.priority
                """))
            .Select(r => new ServiceLevelFacts(r.Priority is { } p ? (int)p : null, (int)r.ResponseTargets, (int)r.ResponseMet, (int)r.ResponseBreached,
                (int)r.ResolutionTargets, (int)r.ResolutionMet, (int)r.ResolutionBreached))
            .ToList();

        return new FlowFacts(from, to, bucket, (int)inProgressAtStart, days, completed, touchOfCompleted, steps, paths, PathSampleLimit, serviceLevels);
    }

    /// <summary>
    /// The stream's event log: every step entered, completed or faulted in the instances started in the window, an instance's
    /// lines together and in order. Read row by row as the caller consumes them, never all at once.
    /// </summary>
    public async IAsyncEnumerable<EventLogLine> EventLogAsync(string streamId, int? version, DateTimeOffset from, DateTimeOffset to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<EventLogRow>(
            $"""
            SELECT i.id AS InstanceId, i.version AS Version, i.status AS InstanceStatus, i.created_at AS StartedAt, j.id AS Sequence, j.at AS At,
                   j.step_id AS StepId, j.event AS Event, j.actor AS Actor, j.outcome AS Outcome
            FROM instances i JOIN journal j ON j.instance_id = i.id
            WHERE {OfStream} AND {StartedInWindow} AND j.step_id IS NOT NULL AND j.event IN ('step-entered', 'step-completed', 'step-faulted')
            ORDER BY i.id, j.id
            """, new { streamId, version, from, to });
        await foreach (var row in rows.WithCancellation(cancellationToken))
            yield return new EventLogLine(row.InstanceId, (int)row.Version, row.InstanceStatus, row.StartedAt, row.Sequence, row.At, row.StepId, row.Event,
                row.Actor, row.Outcome);
    }

    private sealed class DayRow
    {
        public string Day { get; init; } = "";
        public long Started { get; init; }
        public long Completed { get; init; }
        public long Ended { get; init; }
    }

    private sealed class CompletedRow
    {
        public DateTimeOffset CompletedAt { get; init; }
        public double LeadSeconds { get; init; }
    }

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

    private sealed class PathRow
    {
        public string InstanceId { get; init; } = "";
        public double? LeadSeconds { get; init; }
        public string StepId { get; init; } = "";
    }

    private sealed class ServiceLevelRow
    {
        public long? Priority { get; init; }
        public long ResponseTargets { get; init; }
        public long ResponseMet { get; init; }
        public long ResponseBreached { get; init; }
        public long ResolutionTargets { get; init; }
        public long ResolutionMet { get; init; }
        public long ResolutionBreached { get; init; }
    }

    private sealed class EventLogRow
    {
        public string InstanceId { get; init; } = "";
        public long Version { get; init; }
        public string InstanceStatus { get; init; } = "";
        public DateTimeOffset StartedAt { get; init; }
        public long Sequence { get; init; }
        public DateTimeOffset At { get; init; }
        public string StepId { get; init; } = "";
        public string Event { get; init; } = "";
        public string? Actor { get; init; }
        public string? Outcome { get; init; }
    }
}
