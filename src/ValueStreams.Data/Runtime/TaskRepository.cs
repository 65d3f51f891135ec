using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dapper;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// A human task as the inbox shows it. Besides the due time that orders the inbox, the step's service-level
/// targets (respond by: claimed; resolve by: completed) and when each was missed, if it was (the task was then escalated).
/// </summary>
public sealed record TaskView(
    string Id, string InstanceId, string ValueStreamId, string StepId, string Title, string? Group, string? Assignee, string Status,
    int? Priority, JsonNode Outcomes, JsonNode Form, DateTimeOffset? DueAt, DateTimeOffset CreatedAt, string? ClaimedBy,
    DateTimeOffset? ClaimedAt, string? CompletedBy, DateTimeOffset? CompletedAt, string? Outcome, JsonNode? Data, string Sla,
    DateTimeOffset? RespondBy = null, DateTimeOffset? ResolveBy = null, DateTimeOffset? ResponseMissedAt = null, DateTimeOffset? ResolutionMissedAt = null,
    string? EscalateTo = null, string? Requester = null, [property: JsonIgnore] BusinessCalendar? Calendar = null)
{
    /// <summary>The calendar the targets are measured on (null: around the clock).</summary>
    public string? SlaCalendar => Calendar?.Id;

    /// <summary>
    /// Where the task stands against its due time: none (no due time), on-track, at-risk (less than a quarter of its
    /// time left), breached; finished tasks are judged at completion. Time is working time on the calendar its targets
    /// are measured on (around the clock when it has none), so a task does not turn at-risk over a weekend.
    /// </summary>
    public static string SlaState(DateTimeOffset createdAt, DateTimeOffset? dueAt, DateTimeOffset now, BusinessCalendar? calendar = null)
    {
        if (dueAt is not { } due)
            return "none";
        if (now > due)
            return "breached";
        var hours = calendar ?? BusinessCalendar.AlwaysOpen;
        return hours.WorkingTimeBetween(now, due) < hours.WorkingTimeBetween(createdAt, due) / 4 ? "at-risk" : "on-track";
    }
}

/// <summary>A comment or work-log entry on a task (symptoms, impact, CIs affected, actions done and planned…).</summary>
public sealed record TaskComment(string Id, string TaskId, DateTimeOffset At, string Author, string Kind, string Text)
{
    public static IReadOnlyList<string> Kinds { get; } = ["comment", "work-log", "symptoms", "business-impact", "cis-affected", "action-done", "action-planned"];
}

/// <summary>One line of a task's audit trail.</summary>
public sealed record TaskEvent(DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>How a claim ended: newly claimed, already held by the same user (nothing changed), or refused (someone else holds it, or it is closed).</summary>
public enum ClaimOutcome { Claimed, AlreadyHeld, Refused }

/// <summary>Whose tasks to list.</summary>
public enum TaskScope { Mine, Group, All }

/// <summary>Queries and claims of human tasks; completion goes through the engine, which runs the stream on.</summary>
public sealed class TaskRepository(ConnectionFactory connections, TimeProvider clock, IServiceLevelPolicies? serviceLevels = null)
{
    private readonly IServiceLevelPolicies _serviceLevels = serviceLevels ?? ShippedServiceLevelPolicies.Instance;

    private const string Columns =
        """
        t.id AS Id, t.instance_id AS InstanceId, i.value_stream_id AS ValueStreamId, t.step_id AS StepId, t.title AS Title,
        t.candidate_group AS CandidateGroup, t.assignee AS Assignee, t.status AS Status, t.priority AS Priority,
        t.outcomes AS Outcomes, t.form AS Form, t.due_at AS DueAt, t.created_at AS CreatedAt, t.claimed_by AS ClaimedBy,
        t.claimed_at AS ClaimedAt, t.completed_by AS CompletedBy, t.completed_at AS CompletedAt, t.outcome AS Outcome, t.data AS Data,
        t.respond_by AS RespondBy, t.resolve_by AS ResolveBy, t.response_missed_at AS ResponseMissedAt, t.resolution_missed_at AS ResolutionMissedAt,
        t.escalate_to AS EscalateTo, i.created_by AS Requester, t.sla_calendar AS SlaCalendar
        """;

    /// <summary>
    /// Open tasks (open or claimed) or done ones (completed, cancelled or timed out), for a scope: mine (assigned to
    /// or claimed by the user), my groups' (candidate group among the user's groups), or all. Due first.
    /// An instance narrows the scope to that instance's tasks; it never widens it.
    /// </summary>
    public async Task<IReadOnlyList<TaskView>> ListAsync(TaskScope scope, bool open, string username, IReadOnlyList<string> groups,
        string? instanceId = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        // Statuses are written out, not bound, so the planner can use the partial indexes on open tasks.
        var statuses = open ? "t.status IN ('open', 'claimed')" : "t.status IN ('completed', 'cancelled', 'timed-out')";
        if (instanceId is not null)
            statuses += " AND t.instance_id = @instanceId";
        var parameters = new DynamicParameters(new { username, instanceId, limit = Math.Clamp(limit, 1, 1000) });
        string where;
        if (scope == TaskScope.All)
        {
            where = statuses;
        }
        else
        {
            // One ordered, limited index range per group or person, then merged: reading the first few rows of
            // each range instead of every open task of the groups. Only parameter names reach the SQL.
            var ranges = new List<string>();
            if (scope == TaskScope.Group)
            {
                for (var i = 0; i < groups.Count; i++)
                {
                    parameters.Add($"g{i}", groups[i]);
                    ranges.Add(Range($"t.candidate_group = @g{i}", statuses, $"g{i}"));
                }
            }
            else
            {
                ranges.Add(Range("t.claimed_by = @username", statuses, "c"));
            }
            ranges.Add(Range("t.assignee = @username", statuses, "a"));
            where = $"t.id IN ({string.Join(" UNION ", ranges)})";
        }
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns}
            FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {where}
            ORDER BY t.due_at NULLS LAST, t.created_at
            LIMIT @limit
            """, parameters, cancellationToken: cancellationToken));
        return await ViewsAsync(rows, cancellationToken);
    }

    /// <summary>The rows as the inbox shows them, their SLA read on their calendars (looked up only when a row has one).</summary>
    private async Task<IReadOnlyList<TaskView>> ViewsAsync(IEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        var list = rows.ToList();
        var calendars = list.Any(r => r.SlaCalendar is not null) ? (await _serviceLevels.CurrentAsync(cancellationToken)).Calendars : null;
        var now = clock.GetUtcNow();
        return list.Select(r => r.ToView(now, r.SlaCalendar is { } id && calendars?.GetValueOrDefault(id) is { } calendar ? calendar : null)).ToList();
    }

    private static string Range(string condition, string statuses, string alias) =>
        $"SELECT id FROM (SELECT t.id FROM tasks t WHERE {condition} AND {statuses} ORDER BY t.due_at NULLS LAST, t.created_at LIMIT @limit) AS {alias}";

    public async Task<TaskView?> FindAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = @taskId",
            new { taskId }, cancellationToken: cancellationToken));
        return row is null ? null : (await ViewsAsync([row], cancellationToken))[0];
    }

    /// <summary>The task, when it exists and the viewer may see its instance (<see cref="InstanceAccess"/>); else null.</summary>
    public async Task<TaskView?> FindAsync(string taskId, Viewer viewer, CancellationToken cancellationToken = default)
    {
        var parameters = new DynamicParameters(new { taskId });
        var visible = InstanceAccess.Condition("i", viewer, parameters);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = @taskId AND {visible}",
            parameters, cancellationToken: cancellationToken));
        return row is null ? null : (await ViewsAsync([row], cancellationToken))[0];
    }

    /// <summary>
    /// The open tasks (open or claimed) of these instances, due first, leaving out those of instances the viewer may not
    /// see (<see cref="InstanceAccess"/>): what a record's page lists under the streams that work on it.
    /// </summary>
    public async Task<IReadOnlyList<TaskView>> OpenOfInstancesAsync(IReadOnlyList<string> instanceIds, Viewer viewer,
        CancellationToken cancellationToken = default)
    {
        if (instanceIds.Count == 0)
            return [];
        var parameters = new DynamicParameters(new { instanceIds });
        var visible = InstanceAccess.Condition("i", viewer, parameters);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns}
            FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE {connections.Dialect.InList("t.instance_id", "instanceIds")} AND t.status IN ('open', 'claimed') AND {visible}
            ORDER BY t.due_at NULLS LAST, t.created_at
            """, parameters, cancellationToken: cancellationToken));
        return await ViewsAsync(rows, cancellationToken);
    }

    /// <summary>
    /// open → claimed by the user, with its history line in the same transaction. Claiming a task one already
    /// holds changes nothing and writes no line; someone else's claim or a closed task refuses.
    /// </summary>
    public async Task<ClaimOutcome> ClaimAsync(string taskId, string username, bool asOverride, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tasks SET status = 'claimed', claimed_by = @username, claimed_at = @now WHERE id = @taskId AND status = 'open'",
            new { taskId, username, now }, transaction, cancellationToken: cancellationToken));
        if (changed == 1)
            await connection.ExecuteAsync(new CommandDefinition(TaskStatements.AppendEvent,
                new { taskId, at = now, actor = username, action = asOverride ? "claimed (admin override)" : "claimed", detail = (string?)null },
                transaction, cancellationToken: cancellationToken));
        var holder = changed == 1 ? username : await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT claimed_by FROM tasks WHERE id = @taskId AND status = 'claimed'", new { taskId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return changed == 1 ? ClaimOutcome.Claimed : holder == username ? ClaimOutcome.AlreadyHeld : ClaimOutcome.Refused;
    }

    /// <summary>claimed by the user (or anyone, for admins) → open again.</summary>
    public Task<bool> ReleaseAsync(string taskId, string actor, bool anyClaimant, CancellationToken cancellationToken = default) =>
        ChangeAsync(taskId, actor, "released", null,
            "UPDATE tasks SET status = 'open', claimed_by = NULL, claimed_at = NULL WHERE id = @taskId AND status = 'claimed' AND (@any OR claimed_by = @actor)",
            new { taskId, actor, any = anyClaimant }, cancellationToken);

    /// <summary>
    /// Hands an open task, or one the actor holds, to one person, who may then claim it; someone else's claim
    /// refuses unless <paramref name="overrideClaim"/> (admins).
    /// </summary>
    public Task<bool> DelegateAsync(string taskId, string actor, string assignee, bool overrideClaim = false, CancellationToken cancellationToken = default) =>
        ChangeAsync(taskId, actor, "delegated", assignee,
            """
            UPDATE tasks SET assignee = @assignee, status = 'open', claimed_by = NULL, claimed_at = NULL
            WHERE id = @taskId AND (status = 'open' OR (status = 'claimed' AND (claimed_by = @actor OR @overrideClaim)))
            """,
            new { taskId, assignee, actor, overrideClaim }, cancellationToken);

    /// <summary>Routes an open or claimed task to another group (and optionally one person in it).</summary>
    public Task<bool> ReassignAsync(string taskId, string actor, string group, string? assignee, CancellationToken cancellationToken = default) =>
        ChangeAsync(taskId, actor, "reassigned", assignee is null ? group : $"{group} / {assignee}",
            """
            UPDATE tasks SET candidate_group = @group, assignee = @assignee, status = 'open', claimed_by = NULL, claimed_at = NULL
            WHERE id = @taskId AND status IN ('open', 'claimed')
            """, new { taskId, group, assignee }, cancellationToken);

    /// <summary>Raises the task's priority by one (1 is highest) and, when given, routes it to an escalation group.</summary>
    public Task<bool> EscalateAsync(string taskId, string actor, string? group, string reason, CancellationToken cancellationToken = default) =>
        ChangeAsync(taskId, actor, "escalated", group is null ? reason : $"to {group}: {reason}",
            $"""
            UPDATE tasks SET {TaskStatements.RaisePriority},
                             candidate_group = COALESCE(CAST(@group AS TEXT), candidate_group),
                             status = CASE WHEN CAST(@group AS TEXT) IS NULL THEN status ELSE 'open' END,
                             claimed_by = CASE WHEN CAST(@group AS TEXT) IS NULL THEN claimed_by ELSE NULL END
            WHERE id = @taskId AND status IN ('open', 'claimed')
            """, new { taskId, group }, cancellationToken);

    public async Task<TaskComment> AddCommentAsync(string taskId, string instanceId, string author, string kind, string text, CancellationToken cancellationToken = default)
    {
        var comment = new TaskComment(Guid.CreateVersion7().ToString("N"), taskId, clock.GetUtcNow(), author, kind, text);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO task_comments (id, task_id, instance_id, at, author, kind, text) VALUES (@Id, @TaskId, @instanceId, @At, @Author, @Kind, @Text)",
            new { comment.Id, comment.TaskId, instanceId, comment.At, comment.Author, comment.Kind, comment.Text }, cancellationToken: cancellationToken));
        return comment;
    }

    /// <summary>Comments on every task of the instance, oldest first: the work log of the record the stream serves.</summary>
    public async Task<IReadOnlyList<TaskComment>> CommentsAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CommentRow>(new CommandDefinition(
            "SELECT id AS Id, task_id AS TaskId, at AS At, author AS Author, kind AS Kind, text AS Text FROM task_comments WHERE instance_id = @instanceId ORDER BY at, id",
            new { instanceId }, cancellationToken: cancellationToken));
        return rows.Select(r => new TaskComment(r.Id, r.TaskId, r.At, r.Author, r.Kind, r.Text)).ToList();
    }

    /// <summary>The task's audit trail: created, claimed, released, delegated, reassigned, escalated, completed.</summary>
    public async Task<IReadOnlyList<TaskEvent>> HistoryAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT at AS At, actor AS Actor, action AS Action, detail AS Detail FROM task_events WHERE task_id = @taskId ORDER BY id",
            new { taskId }, cancellationToken: cancellationToken));
        return rows.Select(r => new TaskEvent(r.At, r.Actor, r.Action, r.Detail)).ToList();
    }

    private async Task<bool> ChangeAsync(string taskId, string actor, string action, string? detail, string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        if (changed == 1)
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                TaskStatements.AppendEvent,
                new { taskId, at = now, actor, action, detail }, transaction, cancellationToken: cancellationToken));
            if (action is "delegated" or "reassigned" or "escalated")
            {
                // Whoever the task now waits for hears of it, as when it was created.
                var routed = await connection.QuerySingleAsync<(string? Assignee, string? Group, string Title)>(new CommandDefinition(
                    "SELECT assignee, candidate_group, title FROM tasks WHERE id = @taskId", new { taskId }, transaction, cancellationToken: cancellationToken));
                await TaskNotices.WriteAsync(connection, transaction, taskId, routed.Assignee, routed.Group, routed.Title, now, cancellationToken);
                // An escalation also reaches the manager of the group the task is now with.
                if (action == "escalated" && TaskNotices.ManagerStatement($"{taskId}:escalated:{Guid.NewGuid():N}", taskId, routed.Group,
                        $"Escalated: {routed.Title}", now) is { } manager)
                    await connection.ExecuteAsync(new CommandDefinition(manager.Sql, manager.Parameters, transaction, cancellationToken: cancellationToken));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    private sealed class CommentRow
    {
        public string Id { get; init; } = "";
        public string TaskId { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Author { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Text { get; init; } = "";
    }

    private sealed class EventRow
    {
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string? Detail { get; init; }
    }

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string? Requester { get; init; }
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
        public DateTimeOffset? RespondBy { get; init; }
        public DateTimeOffset? ResolveBy { get; init; }
        public DateTimeOffset? ResponseMissedAt { get; init; }
        public DateTimeOffset? ResolutionMissedAt { get; init; }
        public string? EscalateTo { get; init; }
        public string? SlaCalendar { get; init; }

        public TaskView ToView(DateTimeOffset now, BusinessCalendar? calendar) => new(Id, InstanceId, ValueStreamId, StepId, Title, CandidateGroup, Assignee, Status, Priority,
            JsonNode.Parse(Outcomes)!, JsonNode.Parse(Form)!, DueAt, CreatedAt, ClaimedBy, ClaimedAt, CompletedBy, CompletedAt, Outcome,
            Data is null ? null : JsonNode.Parse(Data), TaskView.SlaState(CreatedAt, DueAt, CompletedAt ?? now, calendar),
            RespondBy, ResolveBy, ResponseMissedAt, ResolutionMissedAt, EscalateTo, Requester, calendar);
    }
}
