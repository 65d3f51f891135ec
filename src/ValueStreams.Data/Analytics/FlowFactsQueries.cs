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
/// Reads a value stream's flow facts for the analytics calculator. Instance counts, lead times and a capped sample of paths
/// come from the instances (and their steps entered); per-step, per-priority and touch figures come from the per-day roll-ups
/// for the whole UTC days of the window and from the live tables for the parts of a day at its ends. Noted changes are rolled
/// up first, so the figures are as fresh as the last committed run.
/// </summary>
public sealed class FlowFactsQueries(ConnectionFactory connections, FlowRollups rollups)
{
    /// <summary>How many completed instances (the latest started in the window) the variants and conformance are computed over.</summary>
    public const int PathSampleLimit = 2000;

    private const string OfStream = LiveFlowFacts.OfStream;
    private const string StartedInWindow = LiveFlowFacts.StartedInSlice;

    public async Task<FlowFacts> ReadAsync(string streamId, int? version, DateTimeOffset from, DateTimeOffset to, FlowBucket bucket,
        CancellationToken cancellationToken = default)
    {
        var dialect = connections.Dialect;
        var parameters = new { streamId, version, from, to, limit = PathSampleLimit };
        var lead = dialect.SecondsBetween("i.created_at", "i.completed_at");
        await rollups.RefreshAsync(cancellationToken: cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);

        Task<T> Scalar<T>(string sql) => connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))!;
        async Task<List<T>> Rows<T>(string sql) =>
            (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();

        var inProgressAtStart = await Scalar<long>(
            $"SELECT COUNT(*) FROM instances i WHERE {OfStream} AND i.created_at < @from AND (i.completed_at IS NULL OR i.completed_at >= @from)");

        // Instances started, and ended, in the window: read as moments from the stream's covering indexes and counted per UTC
        // day here, which is cheaper than grouping by a formatted day in the store.
        var started = await Rows<StartedRow>($"SELECT i.created_at AS CreatedAt FROM instances i WHERE {OfStream} AND {StartedInWindow}");
        var ended = await Rows<EndedRow>(
            $"""
            SELECT i.completed_at AS CompletedAt, i.status AS Status, {lead} AS LeadSeconds
            FROM instances i WHERE {OfStream} AND i.completed_at >= @from AND i.completed_at < @to
            """);
        static DateOnly UtcDay(DateTimeOffset moment) => DateOnly.FromDateTime(moment.UtcDateTime);
        var days = started.Select(s => (Day: UtcDay(s.CreatedAt), Started: 1, Completed: 0, Ended: 0))
            .Concat(ended.Select(e => (Day: UtcDay(e.CompletedAt), Started: 0, Completed: e.Status == "completed" ? 1 : 0, Ended: 1)))
            .GroupBy(d => d.Day)
            .Select(g => new DailyFlow(g.Key, g.Sum(d => d.Started), g.Sum(d => d.Completed), g.Sum(d => d.Ended)))
            .OrderBy(d => d.Day)
            .ToList();
        var completed = ended.Where(e => e.Status == "completed").Select(e => new CompletedInstance(e.CompletedAt, e.LeadSeconds)).ToList();
        // Whole days that have ended from the roll-ups; the parts of a day at either end, and today, from the live tables: slices
        // of disjoint instances add up.
        var wholeDays = rollups.EndedWholeDays(from, to);
        var liveSlices = (wholeDays is { } inside
                ? new[] { new FlowSlice(streamId, version, from, inside.From), new FlowSlice(streamId, version, inside.To, to) }
                : [new FlowSlice(streamId, version, from, to)])
            .Where(slice => slice.From < slice.To)
            .ToList();
        var touchOfCompleted = 0.0;
        var stepParts = new List<StepFacts>();
        var levelParts = new List<ServiceLevelFacts>();
        foreach (var slice in liveSlices)
        {
            touchOfCompleted += await LiveFlowFacts.TouchOfCompletedAsync(connection, null, dialect, slice, cancellationToken);
            stepParts.AddRange(await LiveFlowFacts.StepsAsync(connection, null, dialect, slice, cancellationToken));
            levelParts.AddRange(await LiveFlowFacts.ServiceLevelsAsync(connection, null, slice, cancellationToken));
        }
        if (wholeDays is { } whole)
        {
            touchOfCompleted += await FlowRollups.TouchOfCompletedAsync(connection, streamId, version, whole.From, whole.To, cancellationToken);
            stepParts.AddRange(await FlowRollups.StepsAsync(connection, streamId, version, whole.From, whole.To, cancellationToken));
            levelParts.AddRange(await FlowRollups.ServiceLevelsAsync(connection, streamId, version, whole.From, whole.To, cancellationToken));
        }
        var steps = LiveFlowFacts.Add(stepParts);
        var serviceLevels = LiveFlowFacts.Add(levelParts);

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

    private sealed class StartedRow
    {
        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class EndedRow
    {
        public DateTimeOffset CompletedAt { get; init; }
        public string Status { get; init; } = "";
        public double LeadSeconds { get; init; }
    }

    private sealed class PathRow
    {
        public string InstanceId { get; init; } = "";
        public double? LeadSeconds { get; init; }
        public string StepId { get; init; } = "";
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
