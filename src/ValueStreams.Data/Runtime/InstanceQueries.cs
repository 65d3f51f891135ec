using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>A journal line as the API shows it.</summary>
public sealed record JournalLine(long Sequence, DateTimeOffset At, string? StepId, string Event, string? Actor, string? Outcome, string? Detail);

/// <summary>An instance in a list.</summary>
public sealed record InstanceSummary(string Id, string ValueStreamId, int Version, string Status, string? CorrelationId,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);

/// <summary>Reads of instances and their journals, outside any run.</summary>
public sealed class InstanceQueries(ConnectionFactory connections)
{
    public async Task<InstanceState?> FindAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var state = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT state FROM instances WHERE id = @instanceId", new { instanceId }, cancellationToken: cancellationToken));
        return state is null ? null : InstanceStateJson.Read(state);
    }

    public async Task<IReadOnlyList<JournalLine>> JournalAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<JournalRow>(new CommandDefinition(
            """
            SELECT id AS Sequence, at AS At, step_id AS StepId, event AS Event, actor AS Actor, outcome AS Outcome, detail AS Detail
            FROM journal WHERE instance_id = @instanceId ORDER BY id
            """, new { instanceId }, cancellationToken: cancellationToken));
        return rows.Select(r => new JournalLine(r.Sequence, r.At, r.StepId, r.Event, r.Actor, r.Outcome, r.Detail)).ToList();
    }

    /// <summary>The instances the viewer may see (<see cref="InstanceAccess"/>), newest first.</summary>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? valueStreamId, string? status, int limit, Viewer viewer,
        CancellationToken cancellationToken = default)
    {
        var parameters = new DynamicParameters(new { valueStreamId, status, limit = Math.Clamp(limit, 1, 1000) });
        var visible = InstanceAccess.Condition("i", viewer, parameters);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            $"""
            SELECT i.id AS Id, i.value_stream_id AS ValueStreamId, i.version AS Version, i.status AS Status, i.correlation_id AS CorrelationId,
                   i.created_by AS CreatedBy, i.created_at AS CreatedAt, i.updated_at AS UpdatedAt, i.completed_at AS CompletedAt
            FROM instances i
            WHERE (CAST(@valueStreamId AS TEXT) IS NULL OR i.value_stream_id = @valueStreamId) AND (CAST(@status AS TEXT) IS NULL OR i.status = @status)
              AND {visible}
            ORDER BY i.created_at DESC LIMIT @limit
            """, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new InstanceSummary(r.Id, r.ValueStreamId, r.Version, r.Status, r.CorrelationId, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.CompletedAt)).ToList();
    }

    /// <summary>The instances a user started, newest first (a requester's "my requests").</summary>
    public async Task<IReadOnlyList<InstanceSummary>> StartedByAsync(string user, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT id AS Id, value_stream_id AS ValueStreamId, version AS Version, status AS Status, correlation_id AS CorrelationId,
                   created_by AS CreatedBy, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt
            FROM instances WHERE created_by = @user
            ORDER BY created_at DESC LIMIT @limit
            """, new { user, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
        return rows.Select(r => new InstanceSummary(r.Id, r.ValueStreamId, r.Version, r.Status, r.CorrelationId, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.CompletedAt)).ToList();
    }

    private sealed class JournalRow
    {
        public long Sequence { get; init; }
        public DateTimeOffset At { get; init; }
        public string? StepId { get; init; }
        public string Event { get; init; } = "";
        public string? Actor { get; init; }
        public string? Outcome { get; init; }
        public string? Detail { get; init; }
    }

    private sealed class SummaryRow
    {
        public string Id { get; init; } = "";
        public string ValueStreamId { get; init; } = "";
        public int Version { get; init; }
        public string Status { get; init; } = "";
        public string? CorrelationId { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }
    }
}
