using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Definitions.Schedules;

namespace ValueStreams.Data.Definitions;

/// <summary>
/// Keeps <c>stream_schedules</c> in step with the published versions: a version whose start step has the schedule
/// trigger plans its next moment (from the time it is published); any other version removes the stream's schedule.
/// </summary>
internal static class StreamSchedules
{
    public static async Task PlanAsync(DbConnection connection, DbTransaction transaction, string id, int version, string content, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var start = (JsonNode.Parse(content)?["steps"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(step => step["type"]?.GetValue<string>() == "start");
        var schedule = start?["trigger"]?.GetValue<string>() == "schedule"
            ? StreamSchedule.Read(start["schedule"]?.GetValue<string>(), start["timeZone"]?.GetValue<string>()).Schedule
            : null;
        if (schedule?.Next(now) is not { } next)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM stream_schedules WHERE value_stream_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO stream_schedules (value_stream_id, version, cron, time_zone, next_at) VALUES (@id, @version, @cron, @zone, @next)
            ON CONFLICT (value_stream_id) DO UPDATE SET version = excluded.version, cron = excluded.cron, time_zone = excluded.time_zone,
                next_at = excluded.next_at
            """, new { id, version, cron = schedule.Cron, zone = schedule.TimeZone, next }, transaction, cancellationToken: cancellationToken));
    }
}
