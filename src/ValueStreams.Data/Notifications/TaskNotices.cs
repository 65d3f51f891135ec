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
