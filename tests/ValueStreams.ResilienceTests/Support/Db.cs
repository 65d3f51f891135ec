using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>Reads the store directly (Npgsql + Dapper), to check what the nodes wrote without asking them.</summary>
public sealed class Db(string connectionString)
{
    public sealed record Count(string InstanceId, string? StepId, string Event, long N);

    public sealed record TaskRow(string Id, string InstanceId, string StepId, string Status, string? CompletedBy);

    public sealed record TimerRow(string Id, string InstanceId, string StepId, string Status, bool HasFiredAt);

    public sealed record TimerMoment(string InstanceId, string Status, DateTime DueAt, DateTime? FiredAt);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>How many data-protection keys the nodes have stored.</summary>
    public async Task<long> KeyCountAsync()
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM key_ring");
    }

    /// <summary>How many instances of the stream stand in each status.</summary>
    public async Task<Dictionary<string, long>> StatusesAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(string Status, long N)>(
            "SELECT status, COUNT(*) FROM instances WHERE value_stream_id = @valueStreamId GROUP BY status", new { valueStreamId });
        return rows.ToDictionary(r => r.Status, r => r.N);
    }

    public async Task<List<string>> InstanceIdsAsync(string valueStreamId, string? status = null)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<string>(
            "SELECT id FROM instances WHERE value_stream_id = @valueStreamId AND (CAST(@status AS TEXT) IS NULL OR status = @status) ORDER BY id",
            new { valueStreamId, status })).ToList();
    }

    /// <summary>Journal entries counted by instance, step and event, for the stream's instances.</summary>
    public async Task<List<Count>> JournalCountsAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<Count>(
            """
            SELECT j.instance_id AS InstanceId, j.step_id AS StepId, j.event AS Event, COUNT(*) AS N
            FROM journal j JOIN instances i ON i.id = j.instance_id
            WHERE i.value_stream_id = @valueStreamId
            GROUP BY j.instance_id, j.step_id, j.event
            """, new { valueStreamId })).ToList();
    }

    /// <summary>How many <c>step-completed</c> entries name each task (a task's completion resumes its step once).</summary>
    public async Task<Dictionary<string, long>> CompletionsPerTaskAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(string TaskId, long N)>(
            """
            SELECT t.id, COUNT(j.id) FROM tasks t JOIN instances i ON i.id = t.instance_id
            LEFT JOIN journal j ON j.instance_id = t.instance_id AND j.step_id = t.step_id AND j.event = 'step-completed' AND j.detail = t.id
            WHERE i.value_stream_id = @valueStreamId GROUP BY t.id
            """, new { valueStreamId });
        return rows.ToDictionary(r => r.TaskId, r => r.N);
    }

    /// <summary>How many 'completed' lines each task's audit trail holds.</summary>
    public async Task<Dictionary<string, long>> CompletedAuditLinesPerTaskAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(string TaskId, long N)>(
            """
            SELECT t.id, COUNT(e.id) FROM tasks t JOIN instances i ON i.id = t.instance_id
            LEFT JOIN task_events e ON e.task_id = t.id AND e.action = 'completed'
            WHERE i.value_stream_id = @valueStreamId GROUP BY t.id
            """, new { valueStreamId });
        return rows.ToDictionary(r => r.TaskId, r => r.N);
    }

    public async Task<List<TaskRow>> TasksAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<TaskRow>(
            """
            SELECT t.id AS Id, t.instance_id AS InstanceId, t.step_id AS StepId, t.status AS Status, t.completed_by AS CompletedBy
            FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE i.value_stream_id = @valueStreamId
            """, new { valueStreamId })).ToList();
    }

    public async Task<List<TimerRow>> TimersAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<TimerRow>(
            """
            SELECT t.id AS Id, t.instance_id AS InstanceId, t.step_id AS StepId, t.status AS Status, t.fired_at IS NOT NULL AS HasFiredAt
            FROM timers t JOIN instances i ON i.id = t.instance_id WHERE i.value_stream_id = @valueStreamId
            """, new { valueStreamId })).ToList();
    }

    /// <summary>Each timer of the stream's instances with its moment and when it fired (UTC).</summary>
    public async Task<List<TimerMoment>> TimerMomentsAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<TimerMoment>(
            """
            SELECT t.instance_id AS InstanceId, t.status AS Status, t.due_at AS DueAt, t.fired_at AS FiredAt
            FROM timers t JOIN instances i ON i.id = t.instance_id WHERE i.value_stream_id = @valueStreamId
            """, new { valueStreamId })).ToList();
    }

    /// <summary>
    /// Pending timers that fell due more than <paramref name="overdueBy"/> ago: instance id, timer id, and whether
    /// the timer was set after <paramref name="since"/> (it falls due a second after it is set).
    /// </summary>
    public async Task<List<(string InstanceId, string TimerId, bool SetSince)>> OverdueTimersAsync(TimeSpan overdueBy, DateTime since)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<(string, string, bool)>(
            """
            SELECT instance_id, id, due_at - interval '1 second' > @since FROM timers
            WHERE status = 'pending' AND due_at < now() - make_interval(secs => @seconds)
            """, new { seconds = overdueBy.TotalSeconds, since })).ToList();
    }

    /// <summary>The database server's clock (UTC), to compare with times it wrote.</summary>
    public async Task<DateTime> NowAsync()
    {
        await using var connection = await OpenAsync();
        return DateTime.SpecifyKind(await connection.ExecuteScalarAsync<DateTime>("SELECT CAST(now() AT TIME ZONE 'UTC' AS timestamp)"), DateTimeKind.Utc);
    }

    /// <summary>Each instance's variables, from its stored state.</summary>
    public async Task<Dictionary<string, JsonObject>> VariablesAsync(string valueStreamId)
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(string Id, string State)>(
            "SELECT id, state FROM instances WHERE value_stream_id = @valueStreamId", new { valueStreamId });
        return rows.ToDictionary(r => r.Id, r => JsonNode.Parse(r.State)!["variables"] as JsonObject ?? []);
    }

    public async Task<long> UndispatchedOutboxAsync()
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL");
    }

    /// <summary>Hangfire jobs that reached the Processing state on the server of a process (its id is in the server name).</summary>
    public async Task<long> JobsProcessedByAsync(int processId)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM hangfire.state WHERE name = 'Processing' AND CAST(data AS TEXT) ILIKE @pattern",
            new { pattern = $"%:{processId}:%" });
    }

    /// <summary>Hangfire's distributed locks and its jobs by state, to explain work that does not move.</summary>
    public async Task<string> HangfireStateAsync()
    {
        await using var connection = await OpenAsync();
        var locks = await connection.QueryAsync<(string Resource, DateTime? Acquired)>("SELECT resource, acquired FROM hangfire.lock ORDER BY resource");
        var jobs = await connection.QueryAsync<(string? State, long N)>("SELECT statename, COUNT(*) FROM hangfire.job GROUP BY statename ORDER BY statename");
        var servers = await connection.QueryAsync<(string Id, DateTime LastHeartbeat)>("SELECT id, lastheartbeat FROM hangfire.server ORDER BY id");
        return $"locks: {string.Join("; ", locks.Select(l => $"{l.Resource} since {l.Acquired:HH:mm:ss.fff}"))} | " +
               $"jobs: {string.Join(", ", jobs.Select(j => $"{j.State ?? "none"} {j.N}"))} | " +
               $"servers: {string.Join("; ", servers.Select(s => $"{s.Id} beat {s.LastHeartbeat:HH:mm:ss}"))} | now {DateTime.UtcNow:HH:mm:ss.fff}";
    }

    /// <summary>The journal of one instance as text, for failure messages.</summary>
    public async Task<string> JournalTextAsync(string instanceId)
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(long Id, string? StepId, string Event, string? Actor, string? Outcome, string? Detail)>(
            "SELECT id, step_id, event, actor, outcome, detail FROM journal WHERE instance_id = @instanceId ORDER BY id", new { instanceId });
        return string.Join("\n", rows.Select(r => $"  {r.Id} {r.StepId} {r.Event} actor={r.Actor} outcome={r.Outcome} {r.Detail}"));
    }
}
