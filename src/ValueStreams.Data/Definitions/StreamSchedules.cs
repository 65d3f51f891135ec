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
    /// <summary>The start step of the content; none when the content is not a stream file (only checked files are run).</summary>
    private static JsonObject? StartStepOf(string content)
    {
        try
        {
            return (JsonNode.Parse(content)?["steps"] as JsonArray)?.OfType<JsonObject>()
                .FirstOrDefault(step => Text(step, "type") == "start");
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? step, string property) =>
        step?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static async Task PlanAsync(DbConnection connection, DbTransaction transaction, string id, int version, string content, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var start = StartStepOf(content);
        var schedule = Text(start, "trigger") == "schedule" ? StreamSchedule.Read(Text(start, "schedule"), Text(start, "timeZone")).Schedule : null;
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
