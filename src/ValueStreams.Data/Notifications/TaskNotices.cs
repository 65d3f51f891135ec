using System.Data.Common;
using Dapper;

namespace ValueStreams.Data.Notifications;

/// <summary>
/// Tells the people a task is for about it: one in-app notification per person (its assignee, or every member
/// of its group), written in the same transaction as the change that caused it. The notification id is a key
/// for what is told (the task itself for a new task) and the user, so telling someone twice changes nothing.
/// </summary>
internal static class TaskNotices
{
    public static Task WriteAsync(DbConnection connection, DbTransaction transaction, string taskId, string? assignee, string? group,
        string title, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Statement(taskId, assignee, group, title, at) is { } statement
            ? connection.ExecuteAsync(new CommandDefinition(statement.Sql, statement.Parameters, transaction, cancellationToken: cancellationToken))
            : Task.CompletedTask;

    /// <summary>The insert that tells them a task is there, or null when the task is for nobody yet.</summary>
    public static (string Sql, object Parameters)? Statement(string taskId, string? assignee, string? group, string title, DateTimeOffset at) =>
        Statement(taskId, taskId, assignee, group, assignee is not null ? $"New task for you: {title}" : $"New task for {group}: {title}", at);

    /// <summary>The insert that tells a person (<paramref name="assignee"/>) or else a group's members <paramref name="text"/>, or null for nobody.</summary>
    public static (string Sql, object Parameters)? Statement(string key, string taskId, string? assignee, string? group, string text, DateTimeOffset at)
    {
        var sql = assignee is not null
            ? """
              INSERT INTO notifications (id, username, at, text, task_id)
              SELECT @key || ':' || u.id, u.username, @at, @text, @taskId FROM users u
              WHERE u.normalized_username = @who
              ON CONFLICT (id) DO NOTHING
              """
            : """
              INSERT INTO notifications (id, username, at, text, task_id)
              SELECT @key || ':' || u.id, u.username, @at, @text, @taskId FROM users u JOIN group_members m ON m.user_id = u.id
              WHERE m.group_id = @who
              ON CONFLICT (id) DO NOTHING
              """;
        var who = assignee?.Trim().ToLowerInvariant() ?? group;
        return who is null ? null : (sql, new { key, taskId, at, text, who });
    }

    /// <summary>
    /// Marks read what told people of a task once it is done (completed, cancelled, timed out), so the bell counts only
    /// what still waits; parameters taskId and at.
    /// </summary>
    public const string ReadForTask = "UPDATE notifications SET read_at = @at WHERE task_id = @taskId AND read_at IS NULL";

    /// <summary>
    /// The same for the open tasks of an instance (parameters instanceId and at) or, with <paramref name="ofOneToken"/>,
    /// of one of its tokens (and tokenId); it runs before those tasks close.
    /// </summary>
    public static string ReadForOpenTasks(bool ofOneToken) =>
        $"""
         UPDATE notifications SET read_at = @at
         WHERE read_at IS NULL AND task_id IN (
             SELECT id FROM tasks WHERE instance_id = @instanceId{(ofOneToken ? " AND token_id = @tokenId" : "")} AND status IN ('open', 'claimed'))
         """;

    /// <summary>The insert that tells the manager of <paramref name="group"/> <paramref name="text"/>, or null for no group.</summary>
    public static (string Sql, object Parameters)? ManagerStatement(string key, string taskId, string? group, string text, DateTimeOffset at) =>
        group is null
            ? null
            : ("""
               INSERT INTO notifications (id, username, at, text, task_id)
               SELECT @key || ':' || u.id, u.username, @at, @text, @taskId FROM users u JOIN user_groups g ON g.manager_id = u.id
               WHERE g.id = @group
               ON CONFLICT (id) DO NOTHING
               """, new { key, taskId, at, text, group });
}
