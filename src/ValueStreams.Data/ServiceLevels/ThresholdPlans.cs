using System.Data.Common;
using System.Globalization;
using Dapper;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>A threshold of a record's clock as stored: planned, perhaps fired.</summary>
public sealed record StoredThreshold(
    string Id, string Clock, int Percent, string Policy, string Calendar, string Target, DateTimeOffset PeriodStart, DateTimeOffset? DueAt,
    string Cause, DateTimeOffset? FiredAt, string? Outcome);

/// <summary>
/// Plans the thresholds of a record's clocks in the transaction that changes the record: each threshold of each clock's
/// warning ladder becomes a row with the moment the clock reaches it (<see cref="RecordClock.WhenReaching"/>), which is
/// worked out again from the whole history at every change, so a pause, a resume or a priority change moves the unfired
/// thresholds and loses no paused time. A paused clock's unfired thresholds wait with no due time; a stopped clock's
/// are removed. Fired thresholds are never changed: they are the clock's history. A reset starts a new period with
/// thresholds of its own.
/// </summary>
public static class ThresholdPlans
{
    /// <summary>Plans (again) every threshold of the record's clocks, as the record stands after its latest change.</summary>
    internal static Task PlanAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, string kind, string recordId, DateTimeOffset now,
        CancellationToken ct = default) =>
        PlanAsync(connection, transaction, sql, kind, recordId, null, now, ct);

    /// <summary>
    /// Plans the thresholds of a record created in this transaction, whose whole history is <paramref name="history"/>: nothing
    /// is stored for it yet, so nothing is read back.
    /// </summary>
    internal static Task PlanNewAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, string kind, string recordId,
        IReadOnlyList<RecordFieldChange> history, DateTimeOffset now, CancellationToken ct = default) =>
        PlanAsync(connection, transaction, sql, kind, recordId, history, now, ct);

    private static async Task PlanAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, string kind, string recordId,
        IReadOnlyList<RecordFieldChange>? newRecordHistory, DateTimeOffset now, CancellationToken ct)
    {
        var set = await ServiceLevelRepository.CurrentAsync(connection, transaction, ct);
        if (!set.Policies.Any(p => p.RecordKind == kind))
            return;
        var history = newRecordHistory ?? (await connection.QueryAsync<HistoryLine>(new CommandDefinition(
            "SELECT at AS At, field AS Field, old_value AS Old, new_value AS New FROM record_history WHERE record_kind = @kind AND record_id = @recordId ORDER BY at, id",
            new { kind, recordId }, transaction, cancellationToken: ct)))
            .Select(h => new RecordFieldChange(h.At, h.Field, h.Old, h.New)).ToList();
        var wanted = new Dictionary<string, Planned>(StringComparer.Ordinal);
        foreach (var clock in set.ClocksOf(kind, history, now))
        {
            if (clock.Stopped || clock.Reading.StartedAt is not { } periodStart || clock.Definition is null)
                continue;
            var cause = clock.Reading.Timeline.Count > 0 ? clock.Reading.Timeline[^1].Cause : "started";
            foreach (var threshold in clock.Definition.Thresholds)
            {
                var id = string.Join(':', kind, recordId, clock.Name, periodStart.UtcTicks.ToString(CultureInfo.InvariantCulture),
                    threshold.Percent.ToString(CultureInfo.InvariantCulture));
                wanted[id] = new Planned(id, clock.Name, threshold.Percent, clock.Policy, clock.Calendar, clock.Target, periodStart,
                    clock.WhenReaching(threshold.Percent, now), Shorten(cause), WarningLadder.WriteActions(threshold.Actions));
            }
        }

        var stored = newRecordHistory is not null
            ? new Dictionary<string, bool>(StringComparer.Ordinal)
            : (await connection.QueryAsync<StoredId>(new CommandDefinition(
                "SELECT id AS Id, CASE WHEN fired_at IS NULL THEN 0 ELSE 1 END AS Fired FROM sla_thresholds WHERE subject_kind = @kind AND subject_id = @recordId",
                new { kind, recordId }, transaction, cancellationToken: ct))).ToDictionary(r => r.Id, r => r.Fired != 0, StringComparer.Ordinal);

        var gone = stored.Where(s => !s.Value && !wanted.ContainsKey(s.Key)).Select(s => s.Key).ToArray();
        if (gone.Length > 0)
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM sla_thresholds WHERE fired_at IS NULL AND {sql.InList("id", "ids")}", new { ids = gone }, transaction, cancellationToken: ct));
        foreach (var plan in wanted.Values.Where(p => stored.TryGetValue(p.Id, out var fired) && !fired))
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE sla_thresholds SET due_at = @DueAt, cause = @Cause, actions = @Actions, target = @Target, calendar = @Calendar, policy = @Policy, planned_at = @now
                WHERE id = @Id AND fired_at IS NULL
                """, new { plan.DueAt, plan.Cause, plan.Actions, plan.Target, plan.Calendar, plan.Policy, now, plan.Id }, transaction, cancellationToken: ct));
        await InsertAsync(connection, transaction, kind, recordId, wanted.Values.Where(p => !stored.ContainsKey(p.Id)).ToList(), now, ct);
    }

    /// <summary>Inserts new thresholds in one statement.</summary>
    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string kind, string recordId, IReadOnlyList<Planned> plans,
        DateTimeOffset now, CancellationToken ct)
    {
        if (plans.Count == 0)
            return;
        var (sql, parameters) = MultiRowInsert.Of("sla_thresholds", ThresholdColumns, plans.Select(plan => new object?[]
        {
            plan.Id, kind, recordId, plan.Clock, plan.Percent, plan.Policy, plan.Calendar, plan.PeriodStart, plan.Target, plan.DueAt, plan.Cause, plan.Actions, now,
        }));
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct));
    }

    private static readonly string[] ThresholdColumns =
        ["id", "subject_kind", "subject_id", "clock", "percent", "policy", "calendar", "period_start", "target", "due_at", "cause", "actions", "planned_at"];

    /// <summary>Every threshold of a record's clocks, fired or not, by clock and percent.</summary>
    public static async Task<IReadOnlyList<StoredThreshold>> OfAsync(ConnectionFactory connections, string kind, string recordId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<ThresholdRow>(new CommandDefinition(
            """
            SELECT id AS Id, clock AS Clock, percent AS Percent, policy AS Policy, calendar AS Calendar, target AS Target, period_start AS PeriodStart,
                   due_at AS DueAt, cause AS Cause, fired_at AS FiredAt, outcome AS Outcome
            FROM sla_thresholds WHERE subject_kind = @kind AND subject_id = @recordId ORDER BY clock, period_start, percent
            """, new { kind, recordId }, cancellationToken: ct));
        return rows.Select(r => new StoredThreshold(r.Id, r.Clock, r.Percent, r.Policy, r.Calendar, r.Target, r.PeriodStart, r.DueAt, r.Cause, r.FiredAt, r.Outcome))
            .ToList();
    }

    /// <summary>
    /// The stages of a record's clocks for their timelines, by clock and percent: fired ones with their moment, and the
    /// unfired ones of the current period with theirs. Business time is the share of the target the threshold stands for,
    /// on the target's calendar; wall time runs from the clock's start (pauses, nights and weekends included).
    /// </summary>
    public static async Task<IReadOnlyList<ClockStage>> StagesAsync(ConnectionFactory connections, ServiceLevelSet set, string kind, string recordId,
        CancellationToken ct = default) =>
        (await OfAsync(connections, kind, recordId, ct)).Select(t =>
        {
            var at = t.FiredAt ?? t.DueAt;
            TimeSpan? business = Within.Parse(t.Target) is { } within && set.Calendars.TryGetValue(t.Calendar, out var calendar)
                ? within.On(calendar) * t.Percent / 100
                : null;
            return new ClockStage(t.Clock, t.Percent, t.DueAt, t.FiredAt, business, at - t.PeriodStart, t.Cause, t.Outcome);
        }).ToList();

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..499] + "…";

    private sealed record Planned(string Id, string Clock, int Percent, string Policy, string Calendar, string Target, DateTimeOffset PeriodStart,
        DateTimeOffset? DueAt, string Cause, string Actions);

    private sealed class StoredId
    {
        public string Id { get; init; } = "";
        public long Fired { get; init; }
    }

    private sealed class HistoryLine
    {
        public DateTimeOffset At { get; init; }
        public string Field { get; init; } = "";
        public string? Old { get; init; }
        public string? New { get; init; }
    }

    private sealed class ThresholdRow
    {
        public string Id { get; init; } = "";
        public string Clock { get; init; } = "";
        public int Percent { get; init; }
        public string Policy { get; init; } = "";
        public string Calendar { get; init; } = "";
        public string Target { get; init; } = "";
        public DateTimeOffset PeriodStart { get; init; }
        public DateTimeOffset? DueAt { get; init; }
        public string Cause { get; init; } = "";
        public DateTimeOffset? FiredAt { get; init; }
        public string? Outcome { get; init; }
    }
}
