using System.Globalization;
using Dapper;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// Escalates human tasks that miss their service-level targets: a response target passes while the task is
/// still unclaimed, a resolution target while it is still open or claimed. Each escalation is a guarded change
/// of the task's row (its "missed" time goes from empty to now), so a check that runs twice, or before the
/// target, changes nothing; the audit line, the journal line and the notices commit with it.
/// </summary>
public sealed class ServiceLevelWatch(ConnectionFactory connections, TimeProvider clock) : IServiceLevels
{
    /// <summary>A target in the words people read, and the guarded change that records it missed.</summary>
    private sealed record Target(string Name, string Sql);

    private const string Returning =
        """
        RETURNING instance_id AS InstanceId, step_id AS StepId, title AS Title, candidate_group AS CandidateGroup,
                  assignee AS Assignee, claimed_by AS ClaimedBy, escalate_to AS EscalateTo, priority AS Priority
        """;

    private static readonly Target[] Targets =
    [
        new("response", $"""
            UPDATE tasks SET response_missed_at = @now, {TaskStatements.RaisePriority}
            WHERE id = @taskId AND status = 'open' AND respond_by IS NOT NULL AND respond_by <= @now AND response_missed_at IS NULL
            {Returning}
            """),
        new("resolution", $"""
            UPDATE tasks SET resolution_missed_at = @now, {TaskStatements.RaisePriority}
            WHERE id = @taskId AND status IN ('open', 'claimed') AND resolve_by IS NOT NULL AND resolve_by <= @now AND resolution_missed_at IS NULL
            {Returning}
            """),
    ];

    public async Task<int> CheckAsync(string taskId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var escalated = 0;
        foreach (var target in Targets)
        {
            var task = await connection.QuerySingleOrDefaultAsync<MissedTask>(new CommandDefinition(
                target.Sql, new { taskId, now }, transaction, cancellationToken: cancellationToken));
            if (task is null)
                continue;
            escalated++;
            var what = $"{target.Name} target missed";
            var detail = Invariant($"{what}; priority now {task.Priority}");
            await connection.ExecuteAsync(new CommandDefinition(
                TaskStatements.AppendEvent, new { taskId, at = now, actor = "system", action = "escalated", detail }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO journal (instance_id, at, step_id, event, actor, outcome, detail) VALUES (@InstanceId, @now, @StepId, @Event, 'system', @outcome, @taskId)",
                new { task.InstanceId, now, task.StepId, Event = JournalEntry.ServiceLevelMissed, outcome = target.Name, taskId }, transaction, cancellationToken: cancellationToken));

            // Whoever holds the task (or else whom it waits for), the step's escalation group, and both groups' managers.
            var text = $"{char.ToUpperInvariant(what[0])}{what[1..]}: {task.Title}";
            var key = $"{taskId}:{target.Name}";
            var notices = new[]
            {
                TaskNotices.Statement(key, taskId, task.ClaimedBy ?? task.Assignee, task.CandidateGroup, text, now),
                task.EscalateTo is null ? null : TaskNotices.Statement(key, taskId, null, task.EscalateTo, text, now),
                TaskNotices.ManagerStatement(key, taskId, task.CandidateGroup, text, now),
                TaskNotices.ManagerStatement(key, taskId, task.EscalateTo, text, now),
            };
            foreach (var notice in notices.OfType<(string Sql, object Parameters)>())
                await connection.ExecuteAsync(new CommandDefinition(notice.Sql, notice.Parameters, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return escalated;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class MissedTask
    {
        public string InstanceId { get; init; } = "";
        public string StepId { get; init; } = "";
        public string Title { get; init; } = "";
        public string? CandidateGroup { get; init; }
        public string? Assignee { get; init; }
        public string? ClaimedBy { get; init; }
        public string? EscalateTo { get; init; }
        public int? Priority { get; init; }
    }
}
