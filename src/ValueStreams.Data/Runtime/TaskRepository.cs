using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Runtime;

/// <summary>A human task as the inbox shows it.</summary>
public sealed record TaskView(
    string Id, string InstanceId, string ValueStreamId, string StepId, string Title, string? Group, string? Assignee, string Status,
    int? Priority, JsonNode Outcomes, JsonNode Form, DateTimeOffset? DueAt, DateTimeOffset CreatedAt, string? ClaimedBy,
    DateTimeOffset? ClaimedAt, string? CompletedBy, DateTimeOffset? CompletedAt, string? Outcome, JsonNode? Data);

/// <summary>Whose tasks to list.</summary>
public enum TaskScope { Mine, Group, All }

/// <summary>Queries and claims of human tasks; completion goes through the engine, which runs the stream on.</summary>
public sealed class TaskRepository(ConnectionFactory connections, TimeProvider clock)
{
    private const string Columns =
        """
        t.id AS Id, t.instance_id AS InstanceId, i.value_stream_id AS ValueStreamId, t.step_id AS StepId, t.title AS Title,
        t.candidate_group AS CandidateGroup, t.assignee AS Assignee, t.status AS Status, t.priority AS Priority,
        t.outcomes AS Outcomes, t.form AS Form, t.due_at AS DueAt, t.created_at AS CreatedAt, t.claimed_by AS ClaimedBy,
        t.claimed_at AS ClaimedAt, t.completed_by AS CompletedBy, t.completed_at AS CompletedAt, t.outcome AS Outcome, t.data AS Data
        """;

    /// <summary>
    /// Open tasks (open or claimed) or done ones (completed or cancelled), for a scope: mine (assigned to
    /// or claimed by the user), my groups' (candidate group among the user's groups), or all. Due first.
    /// </summary>
    public async Task<IReadOnlyList<TaskView>> ListAsync(TaskScope scope, bool open, string username, IReadOnlyList<string> groups,
        string? instanceId = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        var filter = scope switch
        {
            TaskScope.Mine => "(t.assignee = @username OR t.claimed_by = @username)",
            TaskScope.Group => $"({connections.InList("t.candidate_group", "groups")} OR t.assignee = @username)",
            _ => "1 = 1",
        };
        var statuses = open ? new[] { "open", "claimed" } : ["completed", "cancelled"];
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns}
            FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {filter} AND {connections.InList("t.status", "statuses")} AND (CAST(@instanceId AS TEXT) IS NULL OR t.instance_id = @instanceId)
            ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, t.created_at
            LIMIT @limit
            """,
            new { username, groups = groups.Count == 0 ? [""] : groups.ToArray(), statuses, instanceId, limit = Math.Clamp(limit, 1, 1000) },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<TaskView?> FindAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = @taskId",
            new { taskId }, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    /// <summary>open → claimed by the user; claiming a task one already holds changes nothing. False when someone else holds it or it is closed.</summary>
    public async Task<bool> ClaimAsync(string taskId, string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tasks SET status = 'claimed', claimed_by = @username, claimed_at = @now
            WHERE id = @taskId AND (status = 'open' OR (status = 'claimed' AND claimed_by = @username))
            """, new { taskId, username, now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string ValueStreamId { get; init; } = "";
        public string StepId { get; init; } = "";
        public string Title { get; init; } = "";
        public string? CandidateGroup { get; init; }
        public string? Assignee { get; init; }
        public string Status { get; init; } = "";
        public int? Priority { get; init; }
        public string Outcomes { get; init; } = "[]";
        public string Form { get; init; } = "[]";
        public DateTimeOffset? DueAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string? ClaimedBy { get; init; }
        public DateTimeOffset? ClaimedAt { get; init; }
        public string? CompletedBy { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }
        public string? Outcome { get; init; }
        public string? Data { get; init; }

        public TaskView ToView() => new(Id, InstanceId, ValueStreamId, StepId, Title, CandidateGroup, Assignee, Status, Priority,
            JsonNode.Parse(Outcomes)!, JsonNode.Parse(Form)!, DueAt, CreatedAt, ClaimedBy, ClaimedAt, CompletedBy, CompletedAt, Outcome,
            Data is null ? null : JsonNode.Parse(Data));
    }
}
