using System.Globalization;
using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Data.Analytics;

/// <summary>
/// The per-day roll-ups analytics read: per step and per priority by the UTC day an instance started, and the touch time of the
/// instances completed per day. The store's triggers note every instance whose row or tasks change (flow_changes, in the
/// changing transaction). A refresh turns the notes into the days they touch (flow_dirty_days, one row per stream, version,
/// day and part) and recomputes a day from the live tables once the day has ended: the current UTC day is always read live,
/// so a busy day is never recomputed while its work goes on. In the background a day waits <see cref="Settle"/> after its
/// first note, so a day whose instances keep changing is recomputed once per settling period, not once per change; a read
/// (<see cref="RefreshAsync"/> without a settling time) recomputes every ended day first, so a roll-up always equals what
/// the live tables say when it is read. One refresh at a time, across nodes.
/// </summary>
public sealed class FlowRollups(ConnectionFactory connections, TimeProvider? clock = null)
{
    /// <summary>How many notes one transaction reads, so a store full of history is rolled up in steps, not one long lock.</summary>
    public const int NotesPerRefresh = 50_000;

    /// <summary>How many ended days one transaction recomputes.</summary>
    public const int DaysPerRefresh = 100;

    /// <summary>How long the background refresh leaves a day after its first note before recomputing it.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    private const long RefreshLock = 0x56_53_46_4C_4F_57; // "VSFLOW"
    private const string StartedPart = "started";
    private const string CompletedPart = "completed";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Takes every noted change, then recomputes the ended days noted at least <paramref name="settled"/> ago (every ended
    /// day when null); returns how many transactions it took.
    /// </summary>
    public async Task<int> RefreshAsync(TimeSpan? settled = null, CancellationToken cancellationToken = default)
    {
        var transactions = 0;
        while (await TakeSomeNotesAsync(cancellationToken) is { } more)
        {
            transactions++;
            if (!more)
                break;
        }
        var now = _clock.GetUtcNow();
        var settledBefore = (now - (settled ?? TimeSpan.Zero)).ToUnixTimeMilliseconds();
        while (await RecomputeSomeDaysAsync(Day(now), settledBefore, cancellationToken))
            transactions++;
        return transactions;
    }

    /// <summary>
    /// The whole UTC days inside a window that have ended, as [first, end) bounds: the days analytics read from the roll-ups.
    /// Null when the window holds none.
    /// </summary>
    public (DateTimeOffset From, DateTimeOffset To)? EndedWholeDays(DateTimeOffset from, DateTimeOffset to)
    {
        var today = _clock.GetUtcNow().UtcDateTime.Date;
        return WholeDays(from, to < today ? to : new DateTimeOffset(today, TimeSpan.Zero));
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

    /// <summary>
    /// Takes up to <see cref="NotesPerRefresh"/> notes and marks the days they touch; null when there were none, otherwise
    /// whether more notes wait beyond the ones taken.
    /// </summary>
    private async Task<bool?> TakeSomeNotesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Most calls find nothing noted: that answer needs no transaction and no lock.
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM flow_changes", cancellationToken: cancellationToken)) is null)
            return null;
        var dialect = connections.Dialect;
        await using var transaction = await BeginLockedAsync(connection, cancellationToken);
        var first = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM flow_changes", transaction: transaction,
            cancellationToken: cancellationToken));
        if (first is not { } from)
            return null;
        var upTo = from + NotesPerRefresh - 1;
        var touched = await TakeNotesAsync(connection, transaction, dialect, from, upTo, cancellationToken);
        var notedAt = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var days = touched.Select(t => (t.StreamId, Version: (int)t.Version, Day: t.StartDay, Part: StartedPart))
            .Concat(touched.Where(t => t.CompletedDay is not null).Select(t => (t.StreamId, Version: (int)t.Version, Day: t.CompletedDay!, Part: CompletedPart)))
            .Distinct()
            .Select(d => new { streamId = d.StreamId, version = d.Version, day = d.Day, part = d.Part, notedAt });
        // The first note since the day's last recompute sets its time; later ones leave it, so a busy day still settles.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO flow_dirty_days (value_stream_id, version, day, part, noted_at) VALUES (@streamId, @version, @day, @part, @notedAt)
            ON CONFLICT (value_stream_id, version, day, part) DO NOTHING
            """, days, transaction, cancellationToken: cancellationToken));
        var more = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM flow_changes WHERE id > @upTo",
            new { upTo }, transaction, cancellationToken: cancellationToken)) is not null;
        await transaction.CommitAsync(cancellationToken);
        return more;
    }

    /// <summary>Recomputes up to <see cref="DaysPerRefresh"/> marked days that ended before today; whether it found any.</summary>
    private async Task<bool> RecomputeSomeDaysAsync(string today, long settledBefore, CancellationToken cancellationToken)
    {
        const string Due = "FROM flow_dirty_days WHERE day < @today AND noted_at <= @settledBefore";
        var due = new { today, settledBefore, limit = DaysPerRefresh };
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition($"SELECT 1 {Due} LIMIT 1", due, cancellationToken: cancellationToken)) is null)
            return false;
        var dialect = connections.Dialect;
        await using var transaction = await BeginLockedAsync(connection, cancellationToken);
        var days = (await connection.QueryAsync<DirtyDay>(new CommandDefinition(
            $"SELECT value_stream_id AS StreamId, version AS Version, day AS Day, part AS Part {Due} ORDER BY day LIMIT @limit",
            due, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var marked in days)
        {
            var (streamId, version, day) = (marked.StreamId, (int)marked.Version, marked.Day);
            if (marked.Part == StartedPart)
                await RecomputeStartedDayAsync(connection, transaction, dialect, streamId, version, day, cancellationToken);
            else
                await RecomputeCompletedDayAsync(connection, transaction, dialect, streamId, version, day, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM flow_dirty_days WHERE value_stream_id = @streamId AND version = @version AND day = @day AND part = @Part",
                new { streamId, version, day, marked.Part }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return days.Count > 0;
    }

    private async Task<System.Data.Common.DbTransaction> BeginLockedAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (connections.Dialect.TransactionLock("@key") is { } takeLock)
            await connection.ExecuteAsync(new CommandDefinition(takeLock, new { key = RefreshLock }, transaction, cancellationToken: cancellationToken));
        return transaction;
    }

    /// <summary>The step and service level roll-ups of the instances of a stream version started on a day, from the live tables.</summary>
    private static async Task RecomputeStartedDayAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, SqlDialect dialect,
        string streamId, int version, string day, CancellationToken cancellationToken)
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

    /// <summary>The touch time of the instances of a stream version completed on a day, from the live tables.</summary>
    private static async Task RecomputeCompletedDayAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, SqlDialect dialect,
        string streamId, int version, string day, CancellationToken cancellationToken)
    {
        var touch = await LiveFlowFacts.TouchOfCompletedAsync(connection, transaction, dialect, Slice(streamId, version, day), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM flow_completion_days WHERE value_stream_id = @streamId AND version = @version AND day = @day;
            INSERT INTO flow_completion_days (value_stream_id, version, day, touch_seconds) VALUES (@streamId, @version, @day, @touch)
            """, new { streamId, version, day, touch }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes the notes with ids in [from, upTo] and answers the days of the instances they name. The notes taken are exactly the
    /// ones read: on PostgreSQL a note whose transaction commits while this one runs may have an id in the range, so the notes
    /// are deleted and read in one statement. Every note taken stands for a committed change, so a later recompute of its
    /// days sees it. SQLite's IMMEDIATE transaction keeps every other writer out until this one ends.
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

    private sealed class DirtyDay
    {
        public string StreamId { get; init; } = "";
        public long Version { get; init; }
        public string Day { get; init; } = "";
        public string Part { get; init; } = "";
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
