using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Data.Notifications;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Runtime;

/// <summary>The engine's view of one database transaction; SQL for both providers, dialect differences marked.</summary>
internal sealed class RunSession(
    DbConnection connection, DbTransaction transaction, StorageProvider provider,
    ConcurrentDictionary<(string, int), ValueStreamDefinition> definitions) : IRunSession
{
    public List<OutboxJob> Enqueued { get; } = [];

    private bool IsPostgres => provider == StorageProvider.PostgreSql;

    private CommandDefinition Command(string sql, object? parameters = null) => new(sql, parameters, transaction);

    public async Task<InstanceState?> LockInstanceAsync(string instanceId)
    {
        // SQLite transactions here are IMMEDIATE: the writer lock is already held, so no row lock is needed.
        var sql = IsPostgres ? "SELECT state FROM instances WHERE id = @instanceId FOR UPDATE" : "SELECT state FROM instances WHERE id = @instanceId";
        var state = await connection.QuerySingleOrDefaultAsync<string>(Command(sql, new { instanceId }));
        return state is null ? null : InstanceStateJson.Read(state);
    }

    public Task InsertInstanceAsync(InstanceState instance) =>
        connection.ExecuteAsync(Command(
            """
            INSERT INTO instances (id, value_stream_id, version, status, correlation_id, parent_instance_id, created_by,
                                   created_at, updated_at, completed_at, revision, state)
            VALUES (@Id, @ValueStreamId, @Version, @Status, @CorrelationId, @ParentInstanceId, @CreatedBy,
                    @CreatedAt, @UpdatedAt, @CompletedAt, @Revision, @State)
            """,
            new
            {
                instance.Id, instance.ValueStreamId, instance.Version, instance.Status, instance.CorrelationId, instance.ParentInstanceId,
                instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt, instance.Revision,
                State = InstanceStateJson.Write(instance),
            }));

    public async Task SaveInstanceAsync(InstanceState instance)
    {
        var expected = instance.Revision;
        instance.Revision++;
        var changed = await connection.ExecuteAsync(Command(
            """
            UPDATE instances SET version = @Version, status = @Status, updated_at = @UpdatedAt, completed_at = @CompletedAt,
                                 revision = @Revision, state = @State
            WHERE id = @Id AND revision = @expected
            """,
            new
            {
                instance.Id, instance.Version, instance.Status, instance.UpdatedAt, instance.CompletedAt, instance.Revision,
                State = InstanceStateJson.Write(instance), expected,
            }));
        if (changed != 1)
            throw new InvalidOperationException($"Instance '{instance.Id}' was saved by another run since it was loaded.");
    }

    public async Task<ValueStreamDefinition?> LoadDefinitionAsync(string valueStreamId, int version)
    {
        if (definitions.TryGetValue((valueStreamId, version), out var cached))
            return cached;
        var content = await connection.QuerySingleOrDefaultAsync<string>(Command(
            "SELECT content FROM value_stream_versions WHERE value_stream_id = @valueStreamId AND version = @version",
            new { valueStreamId, version }));
        if (content is null)
            return null;
        // Published versions never change, so one parse serves every later run.
        var definition = ValueStreamReader.Read(content).Definition!;
        definitions.TryAdd((valueStreamId, version), definition);
        return definition;
    }

    public Task<int?> PublishedVersionAsync(string valueStreamId) =>
        connection.QuerySingleOrDefaultAsync<int?>(Command("SELECT published_version FROM value_streams WHERE id = @valueStreamId", new { valueStreamId }));

    private readonly List<JournalEntry> _journal = [];

    /// <summary>Journal lines are kept until the run ends and then written together (nothing reads them before commit).</summary>
    public Task AppendJournalAsync(JournalEntry entry)
    {
        _journal.Add(entry);
        return Task.CompletedTask;
    }

    /// <summary>Writes the run's journal lines in multi-row inserts, in the order they happened.</summary>
    public async Task FlushJournalAsync(int rowsPerStatement)
    {
        foreach (var chunk in _journal.Chunk(rowsPerStatement))
        {
            var values = new List<string>();
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                values.Add($"(@i{i}, @a{i}, @s{i}, @e{i}, @r{i}, @o{i}, @d{i})");
                parameters.Add($"i{i}", chunk[i].InstanceId);
                parameters.Add($"a{i}", chunk[i].At);
                parameters.Add($"s{i}", chunk[i].StepId);
                parameters.Add($"e{i}", chunk[i].Event);
                parameters.Add($"r{i}", chunk[i].Actor);
                parameters.Add($"o{i}", chunk[i].Outcome);
                parameters.Add($"d{i}", chunk[i].Detail);
            }
            await connection.ExecuteAsync(Command(
                $"INSERT INTO journal (instance_id, at, step_id, event, actor, outcome, detail) VALUES {string.Join(", ", values)}", parameters));
        }
        _journal.Clear();
    }

    public async Task CreateTaskAsync(HumanTaskRecord task)
    {
        await connection.ExecuteAsync(Command(
            """
            INSERT INTO tasks (id, instance_id, step_id, token_id, title, candidate_group, assignee, status, priority, completion,
                               outcomes, form, due_at, created_at)
            VALUES (@Id, @InstanceId, @StepId, @TokenId, @Title, @CandidateGroup, @Assignee, 'open', @Priority, @Completion,
                    @Outcomes, @Form, @DueAt, @CreatedAt)
            """,
            new
            {
                task.Id, task.InstanceId, task.StepId, task.TokenId, task.Title, task.CandidateGroup, task.Assignee, task.Priority,
                task.Completion, Outcomes = task.Outcomes.ToJsonString(), Form = task.Form.ToJsonString(), task.DueAt, task.CreatedAt,
            }));
        await AppendTaskEventAsync(task.Id, task.CreatedAt, "system", "created", task.Assignee ?? task.CandidateGroup);
        await TaskNotices.WriteAsync(connection, transaction, task.Id, task.Assignee, task.CandidateGroup, task.Title, task.CreatedAt);
    }

    public async Task<TaskRow?> CompleteTaskAsync(string taskId, string outcome, JsonObject data, string actor, DateTimeOffset at)
    {
        var changed = await connection.ExecuteAsync(Command(
            """
            UPDATE tasks SET status = 'completed', outcome = @outcome, data = @data, completed_by = @actor, completed_at = @at
            WHERE id = @taskId AND status IN ('open', 'claimed')
            """, new { taskId, outcome, data = data.ToJsonString(), actor, at }));
        if (changed != 1)
            return null;
        await AppendTaskEventAsync(taskId, at, actor, "completed", outcome);
        return await FindTaskAsync(taskId);
    }

    public async Task<TaskRow?> FindTaskAsync(string taskId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TaskRowData>(Command(
            """
            SELECT id AS Id, instance_id AS InstanceId, step_id AS StepId, token_id AS TokenId, status AS Status,
                   candidate_group AS CandidateGroup, assignee AS Assignee, claimed_by AS ClaimedBy
            FROM tasks WHERE id = @taskId
            """, new { taskId }));
        return row is null ? null : new TaskRow(row.Id, row.InstanceId, row.StepId, row.TokenId, row.Status, row.CandidateGroup, row.Assignee, row.ClaimedBy);
    }

    public async Task CancelOpenTasksAsync(string instanceId, DateTimeOffset at)
    {
        await connection.ExecuteAsync(Command(
            """
            INSERT INTO task_events (task_id, at, actor, action, detail)
            SELECT id, @at, 'system', 'cancelled', 'instance cancelled' FROM tasks WHERE instance_id = @instanceId AND status IN ('open', 'claimed')
            """, new { instanceId, at }));
        await connection.ExecuteAsync(Command(
            "UPDATE tasks SET status = 'cancelled', completed_at = @at WHERE instance_id = @instanceId AND status IN ('open', 'claimed')",
            new { instanceId, at }));
    }

    public async Task<int> CancelOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at)
    {
        await connection.ExecuteAsync(Command(
            """
            INSERT INTO task_events (task_id, at, actor, action, detail)
            SELECT id, @at, 'system', 'cancelled', 'another participant completed the step'
            FROM tasks WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')
            """, new { instanceId, tokenId, at }));
        return await connection.ExecuteAsync(Command(
            "UPDATE tasks SET status = 'cancelled', completed_at = @at WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')",
            new { instanceId, tokenId, at }));
    }

    public Task<int> OpenTasksOfTokenAsync(string instanceId, string tokenId) =>
        connection.ExecuteScalarAsync<int>(Command(
            "SELECT COUNT(*) FROM tasks WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')",
            new { instanceId, tokenId }));

    public Task CreateMessageAsync(OutgoingMessage message) =>
        connection.ExecuteAsync(Command(
            """
            INSERT INTO messages (id, channel, recipient, subject, body, url, instance_id, task_id, created_at, status)
            VALUES (@Id, @Channel, @Recipient, @Subject, @Body, @Url, @InstanceId, @TaskId, @CreatedAt, 'pending')
            """, message));

    private Task AppendTaskEventAsync(string taskId, DateTimeOffset at, string actor, string action, string? detail) =>
        connection.ExecuteAsync(Command(
            "INSERT INTO task_events (task_id, at, actor, action, detail) VALUES (@taskId, @at, @actor, @action, @detail)",
            new { taskId, at, actor, action, detail }));

    public Task CreateTimerAsync(TimerRecord timer) =>
        connection.ExecuteAsync(Command(
            "INSERT INTO timers (id, instance_id, token_id, step_id, due_at, status) VALUES (@Id, @InstanceId, @TokenId, @StepId, @DueAt, 'pending')",
            timer));

    public async Task<TimerRecord?> FireTimerAsync(string timerId, DateTimeOffset at, bool evenIfNotDue)
    {
        var changed = await connection.ExecuteAsync(Command(
            "UPDATE timers SET status = 'fired', fired_at = @at WHERE id = @timerId AND status = 'pending' AND (@evenIfNotDue OR due_at <= @at)",
            new { timerId, at, evenIfNotDue }));
        if (changed != 1)
            return null;
        var row = await connection.QuerySingleAsync<TimerRowData>(Command(
            "SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, due_at AS DueAt FROM timers WHERE id = @timerId",
            new { timerId }));
        return new TimerRecord(row.Id, row.InstanceId, row.TokenId, row.StepId, row.DueAt);
    }

    public async Task<IReadOnlyList<(string TimerId, DateTimeOffset DueAt)>> PendingTimersAsync(string instanceId) =>
        (await connection.QueryAsync<TimerRowData>(Command(
            "SELECT id AS Id, due_at AS DueAt FROM timers WHERE instance_id = @instanceId AND status = 'pending' ORDER BY due_at", new { instanceId })))
        .Select(t => (t.Id, t.DueAt)).ToList();

    public Task CancelTimersAsync(string instanceId) =>
        connection.ExecuteAsync(Command("UPDATE timers SET status = 'cancelled' WHERE instance_id = @instanceId AND status = 'pending'", new { instanceId }));

    public Task SubscribeAsync(EventSubscription subscription) =>
        connection.ExecuteAsync(Command(
            """
            INSERT INTO event_subscriptions (id, instance_id, token_id, step_id, event_name, correlation_id)
            VALUES (@Id, @InstanceId, @TokenId, @StepId, @EventName, @CorrelationId)
            """, subscription));

    public async Task<EventSubscription?> TakeSubscriptionAsync(string subscriptionId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRowData>(Command(
            """
            SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, event_name AS EventName, correlation_id AS CorrelationId
            FROM event_subscriptions WHERE id = @subscriptionId
            """, new { subscriptionId }));
        if (row is null)
            return null;
        var deleted = await connection.ExecuteAsync(Command("DELETE FROM event_subscriptions WHERE id = @subscriptionId", new { subscriptionId }));
        return deleted == 1 ? row.ToSubscription() : null;
    }

    public async Task<IReadOnlyList<EventSubscription>> FindSubscriptionsAsync(string eventName, string correlationId) =>
        (await connection.QueryAsync<SubscriptionRowData>(Command(
            """
            SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, event_name AS EventName, correlation_id AS CorrelationId
            FROM event_subscriptions WHERE event_name = @eventName AND correlation_id = @correlationId
            """, new { eventName, correlationId }))).Select(r => r.ToSubscription()).ToList();

    public Task CancelSubscriptionsAsync(string instanceId) =>
        connection.ExecuteAsync(Command("DELETE FROM event_subscriptions WHERE instance_id = @instanceId", new { instanceId }));

    public async Task EnqueueAsync(OutboxJob job)
    {
        await connection.ExecuteAsync(Command(
            "INSERT INTO outbox (id, kind, target_id, due_at, created_at) VALUES (@Id, @Kind, @TargetId, @DueAt, @now)",
            new { job.Id, job.Kind, job.TargetId, job.DueAt, now = DateTimeOffset.UtcNow }));
        Enqueued.Add(job);
    }

    public async Task<string> CreateRecordAsync(string recordType, JsonObject fields, string instanceId)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var sql = IsPostgres
            ? "INSERT INTO records (id, record_type, data, instance_id, created_at, updated_at) VALUES (@id, @recordType, CAST(@data AS jsonb), @instanceId, @now, @now)"
            : "INSERT INTO records (id, record_type, data, instance_id, created_at, updated_at) VALUES (@id, @recordType, @data, @instanceId, @now, @now)";
        await connection.ExecuteAsync(Command(sql, new { id, recordType, data = fields.ToJsonString(), instanceId, now }));
        return id;
    }

    public async Task<bool> UpdateRecordAsync(string recordType, string recordId, JsonObject fields)
    {
        var current = await connection.QuerySingleOrDefaultAsync<string>(Command(
            "SELECT CAST(data AS TEXT) FROM records WHERE id = @recordId AND record_type = @recordType", new { recordId, recordType }));
        if (current is null)
            return false;
        var merged = JsonNode.Parse(current) as JsonObject ?? [];
        foreach (var (name, value) in fields)
            merged[name] = value?.DeepClone();
        var sql = IsPostgres
            ? "UPDATE records SET data = CAST(@data AS jsonb), updated_at = @now WHERE id = @recordId"
            : "UPDATE records SET data = @data, updated_at = @now WHERE id = @recordId";
        await connection.ExecuteAsync(Command(sql, new { recordId, data = merged.ToJsonString(), now = DateTimeOffset.UtcNow }));
        return true;
    }

    public async Task<JsonObject?> LookupRecordAsync(string recordType, JsonObject filters)
    {
        // Field names and values are bound parameters; only the number of conditions shapes the SQL.
        var conditions = new List<string>();
        var parameters = new DynamicParameters(new { recordType });
        var i = 0;
        foreach (var (field, value) in filters)
        {
            // SQLite's json_extract gives 1/0 for JSON booleans; json_type tells them apart so both providers compare 'true'.
            conditions.Add(IsPostgres
                ? $"data ->> @f{i} = @v{i}"
                : $"(CASE json_type(data, @f{i}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(data, @f{i}) AS TEXT) END) = @v{i}");
            parameters.Add($"f{i}", IsPostgres ? field : $"$.\"{field.Replace("\"", "")}\"");
            parameters.Add($"v{i}", value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString());
            i++;
        }
        var where = conditions.Count == 0 ? "" : " AND " + string.Join(" AND ", conditions);
        var row = await connection.QueryFirstOrDefaultAsync<RecordRowData>(Command(
            $"SELECT id AS Id, CAST(data AS TEXT) AS Data FROM records WHERE record_type = @recordType{where} ORDER BY created_at DESC", parameters));
        if (row is null)
            return null;
        var record = JsonNode.Parse(row.Data) as JsonObject ?? [];
        record["id"] = row.Id;
        return record;
    }

    private sealed class TaskRowData
    {
        public string Id { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string StepId { get; init; } = "";
        public string TokenId { get; init; } = "";
        public string Status { get; init; } = "";
        public string? CandidateGroup { get; init; }
        public string? Assignee { get; init; }
        public string? ClaimedBy { get; init; }
    }

    private sealed class TimerRowData
    {
        public string Id { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string TokenId { get; init; } = "";
        public string StepId { get; init; } = "";
        public DateTimeOffset DueAt { get; init; }
    }

    private sealed class SubscriptionRowData
    {
        public string Id { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string TokenId { get; init; } = "";
        public string StepId { get; init; } = "";
        public string EventName { get; init; } = "";
        public string CorrelationId { get; init; } = "";
        public EventSubscription ToSubscription() => new(Id, InstanceId, TokenId, StepId, EventName, CorrelationId);
    }

    private sealed class RecordRowData
    {
        public string Id { get; init; } = "";
        public string Data { get; init; } = "";
    }
}
