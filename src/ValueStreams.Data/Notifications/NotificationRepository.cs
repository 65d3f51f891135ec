using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Notifications;

/// <summary>An in-app notification for one user.</summary>
public sealed record Notification(string Id, string Username, DateTimeOffset At, string Text, string? TaskId, DateTimeOffset? ReadAt);

/// <summary>Messages of notify steps waiting for delivery, and users' in-app notifications.</summary>
public sealed class NotificationRepository(ConnectionFactory connections, TimeProvider clock)
{
    public async Task<OutgoingMessage?> PendingMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(
            """
            SELECT id AS Id, channel AS Channel, recipient AS Recipient, subject AS Subject, body AS Body, url AS Url,
                   instance_id AS InstanceId, task_id AS TaskId, created_at AS CreatedAt
            FROM messages WHERE id = @messageId AND status = 'pending'
            """, new { messageId }, cancellationToken: cancellationToken));
        return row is null ? null : new OutgoingMessage(row.Id, row.Channel, row.Recipient, row.Subject, row.Body, row.Url, row.InstanceId ?? "", row.TaskId, row.CreatedAt);
    }

    /// <summary>pending → delivered (or failed with the error); false when it was no longer pending.</summary>
    public async Task<bool> MarkMessageAsync(string messageId, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE messages SET status = @status, delivered_at = @now, error = @error WHERE id = @messageId AND status = 'pending'",
            new { messageId, status = error is null ? "delivered" : "failed", now = clock.GetUtcNow(), error }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>A notification still to be emailed, with the address of its user.</summary>
    public sealed record Unemailed(string Id, string Username, string? Email, string Text, string? TaskId);

    /// <summary>Notifications of the last day not yet emailed, oldest first.</summary>
    public async Task<IReadOnlyList<Unemailed>> UnemailedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, string, string?, string, string?)>(new CommandDefinition(
            """
            SELECT n.id, n.username, u.email, n.text, n.task_id FROM notifications n JOIN users u ON u.username = n.username
            WHERE n.emailed_at IS NULL AND n.at > @since AND n.at <= @now ORDER BY n.at LIMIT @limit
            """, new { since = clock.GetUtcNow().AddDays(-1), now = clock.GetUtcNow(), limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new Unemailed(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5)).ToList();
    }

    public async Task MarkEmailedAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE notifications SET emailed_at = @now WHERE {connections.Dialect.InList("id", "ids")}",
            new { ids = ids.ToArray(), now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Notification>> ForUserAsync(string username, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<NotificationRow>(new CommandDefinition(
            """
            SELECT id AS Id, username AS Username, at AS At, text AS Text, task_id AS TaskId, read_at AS ReadAt
            FROM notifications WHERE username = @username AND at <= @now ORDER BY at DESC LIMIT @limit
            """, new { username, now = clock.GetUtcNow(), limit = Math.Clamp(limit, 1, 200) }, cancellationToken: cancellationToken));
        return rows.Select(r => new Notification(r.Id, r.Username, r.At, r.Text, r.TaskId, r.ReadAt)).ToList();
    }

    public async Task MarkReadAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET read_at = @now WHERE username = @username AND read_at IS NULL AND at <= @now",
            new { username, now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private sealed class MessageRow
    {
        public string Id { get; init; } = "";
        public string Channel { get; init; } = "";
        public string? Recipient { get; init; }
        public string? Subject { get; init; }
        public string Body { get; init; } = "";
        public string? Url { get; init; }
        public string? InstanceId { get; init; }
        public string? TaskId { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class NotificationRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Text { get; init; } = "";
        public string? TaskId { get; init; }
        public DateTimeOffset? ReadAt { get; init; }
    }
}
