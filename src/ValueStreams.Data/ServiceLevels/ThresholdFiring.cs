using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Records;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>
/// Fires thresholds of record clocks in a run's transaction. The record's row is locked first (as every record change
/// does before it plans thresholds again), then the threshold's fired time goes from empty to now, only when its due
/// time has come: a second node, a retry or an early job changes nothing. The actions are rows of the same transaction.
/// </summary>
internal static class ThresholdFiring
{
    public static async Task<FiredThreshold?> FireAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, string thresholdId,
        DateTimeOffset now)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ThresholdRow>(new CommandDefinition(
            """
            SELECT subject_kind AS SubjectKind, subject_id AS SubjectId, clock AS Clock, percent AS Percent, calendar AS Calendar, actions AS Actions, due_at AS DueAt
            FROM sla_thresholds WHERE id = @thresholdId AND fired_at IS NULL AND due_at IS NOT NULL
            """, new { thresholdId }, transaction));
        if (row?.DueAt is not { } due || due > now || RecordKindCatalogue.Find(row.SubjectKind) is not { } kind)
            return null;
        if (await RecordRepository.LockAsync(connection, transaction, sql, kind, row.SubjectId) is not { } record)
            return null;
        var fired = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sla_thresholds SET fired_at = @now WHERE id = @thresholdId AND fired_at IS NULL AND due_at IS NOT NULL AND due_at <= @now",
            new { thresholdId, now }, transaction));
        if (fired != 1)
            return null;
        var calendars = (await ServiceLevelRepository.CurrentAsync(connection, transaction)).Calendars;
        var workingFrom = calendars.TryGetValue(row.Calendar, out var calendar) ? calendar.NextWorkingTime(now) : now;
        return new FiredThreshold(thresholdId, row.SubjectKind, row.SubjectId, (string?)record["number"] ?? row.SubjectId, row.Clock, row.Percent,
            WarningLadder.ReadActions(row.Actions), due, workingFrom, record);
    }

    /// <summary>Carries out one action; a webhook's message is written here and its delivery job returned, to go out after commit.</summary>
    public static async Task<(string Outcome, OutboxJob? Job)> ApplyAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql,
        RecordSettings settings, FiredThreshold fired, ThresholdAction action, DateTimeOffset now)
    {
        var kind = RecordKindCatalogue.Find(fired.RecordKind)!;
        var text = Text(fired);
        switch (action.Do)
        {
            case ThresholdActionKind.Notify:
                var at = action.OnlyInWorkingTime ? fired.WorkingFrom : now;
                var told = await NotifyAsync(connection, transaction, fired, action.Who!, text, at);
                return ($"told {told} ({action.Who}){(at > now ? $", held until {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : "")}", null);
            case ThresholdActionKind.RaisePriority:
                if (RaisedPriority(kind, fired.Record, settings) is not { } raise)
                    return ("priority not raised: it is already the highest", null);
                return (await ChangeAsync(connection, transaction, sql, settings, kind, fired, raise, "priority raised"), null);
            case ThresholdActionKind.Reassign:
                if (kind.Descriptor.Field("assignmentGroup") is null)
                    return ($"not reassigned: a {kind.Descriptor.Name} has no assignment group", null);
                var change = new JsonObject { ["assignmentGroup"] = action.Group };
                if (kind.Descriptor.Field("assignee") is not null)
                    change["assignee"] = null;
                return (await ChangeAsync(connection, transaction, sql, settings, kind, fired, change, $"reassigned to {action.Group}"), null);
            case ThresholdActionKind.Webhook:
                var messageId = Guid.CreateVersion7().ToString("N");
                var body = new JsonObject
                {
                    ["event"] = fired.Percent >= 100 ? "sla-breached" : "sla-warning",
                    ["record"] = new JsonObject { ["kind"] = fired.RecordKind, ["id"] = fired.RecordId, ["number"] = fired.Number },
                    ["clock"] = fired.Clock, ["percent"] = fired.Percent, ["dueAt"] = fired.DueAt, ["firedAt"] = now,
                };
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO messages (id, channel, recipient, subject, body, url, instance_id, task_id, created_at, status)
                    VALUES (@messageId, 'webhook', NULL, @text, @body, @url, NULL, NULL, @now, 'pending')
                    """, new { messageId, text, body = body.ToJsonString(), url = action.Url, now }, transaction));
                return ($"webhook {action.Url} queued", new OutboxJob(Guid.CreateVersion7().ToString("N"), OutboxJob.DeliverMessage,
                    OutboxJob.Target(fired.RecordId, messageId), null));
            default:
                return ($"{action.Do} is not carried out here", null);
        }
    }

    public static Task RecordOutcomeAsync(DbConnection connection, DbTransaction transaction, string thresholdId, string outcome) =>
        connection.ExecuteAsync(new CommandDefinition("UPDATE sla_thresholds SET outcome = @outcome WHERE id = @thresholdId",
            new { thresholdId, outcome = outcome.Length <= 2000 ? outcome : outcome[..1999] + "…" }, transaction));

    /// <summary>"INC-000012 Checkout down: resolution at 75 % of its target" or "… breached its resolution target".</summary>
    private static string Text(FiredThreshold fired)
    {
        var title = (string?)fired.Record["title"];
        var what = fired.Percent >= 100 ? $"breached its {fired.Clock} target" : $"{fired.Clock} clock at {fired.Percent} % of its target";
        return $"{fired.Number} {title}: {what}";
    }

    private static async Task<int> NotifyAsync(DbConnection connection, DbTransaction transaction, FiredThreshold fired, string who, string text,
        DateTimeOffset at)
    {
        var key = $"sla:{fired.Id}:{who}";
        var group = (string?)fired.Record["assignmentGroup"];
        var (sql, parameters) = who switch
        {
            ThresholdAudience.Assignee => ("SELECT u.id AS UserId, u.username AS Username FROM users u WHERE u.normalized_username = @user",
                (object)new { user = ((string?)fired.Record["assignee"])?.Trim().ToLowerInvariant() }),
            ThresholdAudience.Group => ("SELECT u.id AS UserId, u.username AS Username FROM users u JOIN group_members m ON m.user_id = u.id WHERE m.group_id = @group",
                new { group }),
            ThresholdAudience.GroupManager => ("SELECT u.id AS UserId, u.username AS Username FROM users u JOIN user_groups g ON g.manager_id = u.id WHERE g.id = @group",
                new { group }),
            _ => ("SELECT u.id AS UserId, u.username AS Username FROM users u WHERE u.normalized_username = @user",
                new { user = (await ServiceOwnerAsync(connection, transaction, (string?)fired.Record["service"]))?.Trim().ToLowerInvariant() }),
        };
        var told = 0;
        foreach (var person in await connection.QueryAsync<Person>(new CommandDefinition(sql, parameters, transaction)))
            told += await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO notifications (id, username, at, text, task_id) VALUES (@id, @username, @at, @text, NULL)
                ON CONFLICT (id) DO NOTHING
                """, new { id = $"{key}:{person.UserId}", username = person.Username, at, text }, transaction));
        return told;
    }

    /// <summary>The owner of the service a record names (by id or number), if any.</summary>
    private static async Task<string?> ServiceOwnerAsync(DbConnection connection, DbTransaction transaction, string? service)
    {
        if (service is null || RecordKindCatalogue.Find("service") is not { } kind || kind.Descriptor.Field("owner") is not { } owner)
            return null;
        return await connection.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(
            $"SELECT {owner.Column} FROM {kind.Descriptor.Table} WHERE id = @service OR number = @number",
            new { service, number = service.ToUpperInvariant() }, transaction));
    }

    /// <summary>
    /// The change that raises a record's priority one step: a priority of its own moves to the option before it; one
    /// derived from impact and urgency (an incident's) is raised by the fewest level steps of the two (urgency first) that
    /// give the next higher priority under the priority matrix. Null when it is already the highest.
    /// </summary>
    private static JsonObject? RaisedPriority(RecordKind kind, JsonObject record, RecordSettings settings)
    {
        var d = kind.Descriptor;
        if (d.Field("priority") is not { Options: { } priorities } priority || (string?)record["priority"] is not { } current)
            return null;
        var rank = priorities.ToList().IndexOf(current);
        if (rank <= 0)
            return null;
        if (!priority.Derived)
            return new JsonObject { ["priority"] = priorities[rank - 1] };
        if (d.Field("impact")?.Options is not { } levels || (string?)record["impact"] is not { } impact || (string?)record["urgency"] is not { } urgency)
            return null;
        var (i, u) = (levels.ToList().IndexOf(impact), levels.ToList().IndexOf(urgency));
        var raised = (from ni in Enumerable.Range(0, i + 1)
                      from nu in Enumerable.Range(0, u + 1)
                      let p = settings.PriorityMatrix.GetValueOrDefault($"{levels[ni]}-{levels[nu]}")
                      let r = p is null ? -1 : priorities.ToList().IndexOf(p)
                      where r >= 0 && r < rank
                      orderby rank - r == 1 ? 0 : 1, (i - ni) + (u - nu), i - ni
                      select (Impact: levels[ni], Urgency: levels[nu])).FirstOrDefault();
        if (raised == default)
            return null;
        var change = new JsonObject();
        if (raised.Urgency != urgency) change["urgency"] = raised.Urgency;
        if (raised.Impact != impact) change["impact"] = raised.Impact;
        return change;
    }

    private static async Task<string> ChangeAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, RecordSettings settings,
        RecordKind kind, FiredThreshold fired, JsonObject change, string done)
    {
        var what = string.Join(", ", change.Select(c => $"{c.Key} {c.Value?.ToString() ?? "cleared"}"));
        return await RecordRepository.UpdateAsync(connection, transaction, sql, settings, kind, fired.RecordId, change, null, "system") switch
        {
            RecordWrite.Written => $"{done} ({what})",
            RecordWrite.Invalid(var errors) => $"{done.Split(' ')[0]} not changed: {string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}",
            _ => $"{done.Split(' ')[0]} not changed: the record is gone",
        };
    }

    private sealed class ThresholdRow
    {
        public string SubjectKind { get; init; } = "";
        public string SubjectId { get; init; } = "";
        public string Clock { get; init; } = "";
        public int Percent { get; init; }
        public string Calendar { get; init; } = "";
        public string Actions { get; init; } = "[]";
        public DateTimeOffset? DueAt { get; init; }
    }

    private sealed class Person
    {
        public string UserId { get; init; } = "";
        public string Username { get; init; } = "";
    }
}
