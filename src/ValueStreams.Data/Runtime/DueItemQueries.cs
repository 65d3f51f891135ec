using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// Pending timers of running instances, task service-level targets not yet checked, the next moments of scheduled streams, and the unfired
/// thresholds of service level clocks' warning ladders (through their partial index on due time), as they stand in the store:
/// what any node may be asked to act on, also what a node that died had scheduled. Read through the partial indexes
/// of the watched targets and the timers' (status, due) index.
/// </summary>
public sealed class DueItemQueries(ConnectionFactory connections) : IDueItems
{
    public async Task<IReadOnlyList<DueItem>> DueBeforeAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(
            """
            SELECT due_at AS DueAt, kind AS Kind, instance_id AS InstanceId, item_id AS ItemId FROM (
                SELECT t.due_at, 'fire-timer' AS kind, t.instance_id, t.id AS item_id FROM timers t JOIN instances i ON i.id = t.instance_id
                WHERE t.status = 'pending' AND t.due_at <= @until AND i.status IN ('waiting', 'running')
                UNION ALL
                SELECT respond_by, 'check-service-level', instance_id, id FROM tasks
                WHERE status = 'open' AND respond_by IS NOT NULL AND response_missed_at IS NULL AND respond_by <= @until
                UNION ALL
                SELECT resolve_by, 'check-service-level', instance_id, id FROM tasks
                WHERE status IN ('open', 'claimed') AND resolve_by IS NOT NULL AND resolution_missed_at IS NULL AND resolve_by <= @until
                UNION ALL
                SELECT next_at, 'start-scheduled', value_stream_id, 'schedule' FROM stream_schedules WHERE next_at <= @until
                UNION ALL
                SELECT due_at, 'fire-threshold', subject_id, id FROM sla_thresholds WHERE fired_at IS NULL AND due_at IS NOT NULL AND due_at <= @until
            ) due
            ORDER BY due_at LIMIT @limit
            """, new { until, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new DueItem(r.DueAt, r.Kind, OutboxJob.Target(r.InstanceId, r.ItemId))).ToList();
    }

    private sealed class DueRow
    {
        public DateTimeOffset DueAt { get; init; }
        public string Kind { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string ItemId { get; init; } = "";
    }
}
