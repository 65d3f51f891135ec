using System.Globalization;
using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Data.Analytics;

/// <summary>
/// The per-day roll-ups analytics read: per step and per priority by the UTC day an instance started, and the touch time of the
/// instances completed per day. The store's triggers note every instance whose row or tasks change (flow_changes, in the
/// changing transaction); <see cref="RefreshAsync"/> recomputes each day those instances belong to from the live tables, so a
/// roll-up always equals what the live tables say once its notes are read. One refresh at a time, across nodes.
/// </summary>
public sealed class FlowRollups(ConnectionFactory connections)
{
    /// <summary>How many notes one transaction reads, so a store full of history is rolled up in steps, not one long lock.</summary>
    public const int NotesPerRefresh = 50_000;

    private const long RefreshLock = 0x56_53_46_4C_4F_57; // "VSFLOW"

    /// <summary>Takes every noted change and recomputes the days it touches; returns how many batches of notes it took.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var batches = 0;
        while (await RefreshSomeAsync(cancellationToken))
            batches++;
        return batches;
    }

    /// <summary>The whole UTC days inside a window, as [first, end) 'yyyy-MM-dd' bounds; null when it holds no whole day.</summary>
    public static (DateTimeOffset From, DateTimeOffset To)? WholeDays(DateTimeOffset from, DateTimeOffset to)
    {
        var first = from.UtcDateTime.Date == from.UtcDateTime ? from.UtcDateTime : from.UtcDateTime.Date.AddDays(1);
        var end = to.UtcDateTime.Date;
        return first < end ? (new DateTimeOffset(first, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero)) : null;
    }

    /// <summary>The rolled-up step figures of the instances of a stream started on the whole days [from, to).</summary>
    internal static async Task<List<StepFacts>> StepsAsync(System.Data.Common.DbConnection connection, string streamId, int? version,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<StepDay>(new CommandDefinition(
            $"""
            SELECT step_id AS StepId, SUM(visits) AS Visits, SUM(instances_visiting) AS InstancesVisiting, SUM(tasks) AS Tasks, SUM(claimed) AS Claimed,
                   SUM(wait_seconds) AS WaitSeconds, SUM(completed) AS Completed, SUM(touch_seconds) AS TouchSeconds
            FROM flow_step_days WHERE {OfStream} AND day >= @from AND day < @to GROUP BY step_id
            """, Days(streamId, version, from, to), cancellationToken: cancellationToken)))
        .Select(d => new StepFacts(d.StepId, (int)d.Visits, (int)d.InstancesVisiting, (int)d.Tasks, (int)d.Claimed, d.WaitSeconds, (int)d.Completed,
            d.TouchSeconds))
        .ToList();

    /// <summary>The rolled-up service levels of the instances of a stream started on the whole days [from, to).</summary>
    internal static async Task<List<ServiceLevelFacts>> ServiceLevelsAsync(System.Data.Common.DbConnection connection, string streamId, int? version,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<LiveFlowFacts.ServiceLevelRow>(new CommandDefinition(
            $"""
            SELECT CASE WHEN priority_key < 0 THEN NULL ELSE priority_key END AS Priority, SUM(response_targets) AS ResponseTargets, SUM(response_met) AS ResponseMet,
                   SUM(response_breached) AS ResponseBreached, SUM(resolution_targets) AS ResolutionTargets, SUM(resolution_met) AS ResolutionMet,
                   SUM(resolution_breached) AS ResolutionBreached
            FROM flow_service_level_days WHERE {OfStream} AND day >= @from AND day < @to
            GROUP BY CASE WHEN priority_key < 0 THEN NULL ELSE priority_key END
            """, Days(streamId, version, from, to), cancellationToken: cancellationToken)))
        .Select(r => r.ToFacts())
        .ToList();

    /// <summary>The rolled-up touch time of the instances of a stream completed on the whole days [from, to).</summary>
    internal static async Task<double> TouchOfCompletedAsync(System.Data.Common.DbConnection connection, string streamId, int? version,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<double?>(new CommandDefinition(
            $"SELECT SUM(touch_seconds) FROM flow_completion_days WHERE {OfStream} AND day >= @from AND day < @to",
            Days(streamId, version, from, to), cancellationToken: cancellationToken)) ?? 0;

    private const string OfStream = "value_stream_id = @streamId AND (CAST(@version AS INTEGER) IS NULL OR version = @version)";

    private static object Days(string streamId, int? version, DateTimeOffset from, DateTimeOffset to) =>
        new { streamId, version, from = Day(from), to = Day(to) };

    private static string Day(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<bool> RefreshSomeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Most calls find nothing noted: that answer needs no transaction and no lock.
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM flow_changes", cancellationToken: cancellationToken)) is null)
            return false;
        var dialect = connections.Dialect;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (dialect.TransactionLock("@key") is { } takeLock)
            await connection.ExecuteAsync(new CommandDefinition(takeLock, new { key = RefreshLock }, transaction, cancellationToken: cancellationToken));
        var first = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM flow_changes", transaction: transaction,
            cancellationToken: cancellationToken));
        if (first is not { } from)
            return false;
        var upTo = from + NotesPerRefresh - 1;
        var touched = await TakeNotesAsync(connection, transaction, dialect, from, upTo, cancellationToken);

        foreach (var (streamId, version, day) in touched.Select(t => (t.StreamId, (int)t.Version, t.StartDay)).Distinct())
        {
            var slice = Slice(streamId, version, day);
            var key = new { streamId, version, day };
            var steps = await LiveFlowFacts.StepsAsync(connection, transaction, dialect, slice, cancellationToken);
            var levels = await LiveFlowFacts.ServiceLevelsAsync(connection, transaction, slice, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM flow_step_days WHERE value_stream_id = @streamId AND version = @version AND day = @day;
                DELETE FROM flow_service_level_days WHERE value_stream_id = @streamId AND version = @version AND day = @day
                """, key, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO flow_step_days (value_stream_id, version, day, step_id, visits, instances_visiting, tasks, claimed, wait_seconds, completed, touch_seconds)
                VALUES (@streamId, @version, @day, @StepId, @Visits, @InstancesVisiting, @Tasks, @Claimed, @WaitSeconds, @Completed, @TouchSeconds)
                """, steps.Select(s => new
                {
                    streamId, version, day, s.StepId, s.Visits, s.InstancesVisiting, s.Tasks, s.Claimed, s.WaitSeconds, s.Completed, s.TouchSeconds,
                }), transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO flow_service_level_days (value_stream_id, version, day, priority_key, response_targets, response_met, response_breached,
                    resolution_targets, resolution_met, resolution_breached)
                VALUES (@streamId, @version, @day, @PriorityKey, @ResponseTargets, @ResponseMet, @ResponseBreached, @ResolutionTargets, @ResolutionMet,
                    @ResolutionBreached)
                """, levels.Select(l => new
                {
                    streamId, version, day, PriorityKey = l.Priority ?? -1, l.ResponseTargets, l.ResponseMet, l.ResponseBreached, l.ResolutionTargets,
                    l.ResolutionMet, l.ResolutionBreached,
                }), transaction, cancellationToken: cancellationToken));
        }

        foreach (var (streamId, version, day) in touched.Where(t => t.CompletedDay is not null)
                     .Select(t => (t.StreamId, (int)t.Version, t.CompletedDay!)).Distinct())
        {
            var touch = await LiveFlowFacts.TouchOfCompletedAsync(connection, transaction, dialect, Slice(streamId, version, day), cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM flow_completion_days WHERE value_stream_id = @streamId AND version = @version AND day = @day;
                INSERT INTO flow_completion_days (value_stream_id, version, day, touch_seconds) VALUES (@streamId, @version, @day, @touch)
                """, new { streamId, version, day, touch }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Takes the notes with ids in [from, upTo] and answers the days of the instances they name. The notes taken are exactly the
    /// ones read: on PostgreSQL a note whose transaction commits while this one runs may have an id in the range, so the notes
    /// are deleted and read in one statement, and the days are recomputed after it, seeing everything those notes stand for.
    /// SQLite's IMMEDIATE transaction keeps every other writer out until this one ends.
    /// </summary>
    private static async Task<List<TouchedDays>> TakeNotesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        SqlDialect dialect, long from, long upTo, CancellationToken cancellationToken)
    {
        var days = $"""
            SELECT DISTINCT i.value_stream_id AS StreamId, i.version AS Version, {dialect.UtcDay("i.created_at")} AS StartDay,
                   CASE WHEN i.status = 'completed' THEN {dialect.UtcDay("i.completed_at")} END AS CompletedDay
            FROM notes c JOIN instances i ON i.id = c.instance_id
            """;
        var range = new { from, upTo };
        if (dialect.Provider == Engine.Storage.StorageProvider.PostgreSql)
            return (await connection.QueryAsync<TouchedDays>(new CommandDefinition(
                $"WITH notes AS (DELETE FROM flow_changes WHERE id >= @from AND id <= @upTo RETURNING instance_id) {days}",
                range, transaction, cancellationToken: cancellationToken))).ToList();
        var touched = (await connection.QueryAsync<TouchedDays>(new CommandDefinition(
            $"WITH notes AS (SELECT instance_id FROM flow_changes WHERE id >= @from AND id <= @upTo) {days}",
            range, transaction, cancellationToken: cancellationToken))).ToList();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM flow_changes WHERE id >= @from AND id <= @upTo", range, transaction,
            cancellationToken: cancellationToken));
        return touched;
    }

    private static FlowSlice Slice(string streamId, int version, string day)
    {
        var start = new DateTimeOffset(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new FlowSlice(streamId, version, start, start.AddDays(1));
    }

    private sealed class TouchedDays
    {
        public string StreamId { get; init; } = "";
        public long Version { get; init; }
        public string StartDay { get; init; } = "";
        public string? CompletedDay { get; init; }
    }

    private sealed class StepDay
    {
        public string StepId { get; init; } = "";
        public long Visits { get; init; }
        public long InstancesVisiting { get; init; }
        public long Tasks { get; init; }
        public long Claimed { get; init; }
        public double WaitSeconds { get; init; }
        public long Completed { get; init; }
        public double TouchSeconds { get; init; }
    }
}
