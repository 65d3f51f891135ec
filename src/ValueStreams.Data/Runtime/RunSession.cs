using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Records.Changes;
using ValueStreams.Data.Store;
using ValueStreams.Data.Notifications;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// The engine's view of one database transaction; SQL for both providers, dialect differences marked.
/// Writes whose results the run does not read go into <see cref="PendingWrites"/> and reach the database
/// together, before the next read (see <see cref="Command"/>) and before commit (<see cref="FlushAsync"/>).
/// </summary>
internal sealed class RunSession : IRunSession
{
    private readonly DbConnection connection;
    private readonly DbTransaction transaction;
    private readonly StorageProvider provider;
    private readonly ConcurrentDictionary<(string, int), ValueStreamDefinition> definitions;
    private readonly PendingWrites _pending;

    /// <summary>An instance inserted by this run whose row has not been written yet: it is written with its latest state.</summary>
    private readonly HashSet<InstanceState> _unwritten = [];

    private readonly RecordSettings recordSettings;
    private readonly RecordNumbers? recordNumbers;

    public RunSession(DbConnection connection, DbTransaction transaction, StorageProvider provider,
        ConcurrentDictionary<(string, int), ValueStreamDefinition> definitions, RecordSettings recordSettings, RecordNumbers? recordNumbers = null)
    {
        this.recordSettings = recordSettings;
        this.recordNumbers = recordNumbers;
        this.connection = connection;
        this.transaction = transaction;
        this.provider = provider;
        this.definitions = definitions;
        _pending = new PendingWrites(connection, transaction, provider);
    }

    public List<OutboxJob> Enqueued { get; } = [];

    private SqlDialect Sql => SqlDialect.For(provider);

    /// <summary>A statement that reads (or needs its row count): the writes before it are sent first, so it sees them.</summary>
    private async Task<CommandDefinition> Command(string sql, object? parameters = null)
    {
        await SendPendingAsync();
        return new CommandDefinition(sql, parameters, transaction);
    }

    /// <summary>
    /// Sends the queued writes, before SQL that this session runs itself (a read, or a repository's statements in
    /// this transaction). Instances inserted so far are then written, so their later saves must update them.
    /// </summary>
    private async Task SendPendingAsync()
    {
        await _pending.FlushAsync();
        _unwritten.Clear();
    }

    /// <summary>Sends every write still pending, the journal last; called before commit.</summary>
    public async Task FlushAsync(int journalRowsPerStatement)
    {
        QueueJournal(journalRowsPerStatement);
        await SendPendingAsync();
    }

    public async Task<InstanceState?> LockInstanceAsync(string instanceId)
    {
        var sql = $"SELECT state FROM instances WHERE id = @instanceId{Sql.ForUpdate()}";
        var state = await connection.QuerySingleOrDefaultAsync<string>(await Command(sql, new { instanceId }));
        return state is null ? null : InstanceStateJson.Read(state);
    }

    /// <summary>Queues the new instance's row; its values are taken when the row is sent, so a save before then needs no update.</summary>
    public Task InsertInstanceAsync(InstanceState instance)
    {
        _unwritten.Add(instance);
        _pending.Add(
            """
            INSERT INTO instances (id, value_stream_id, version, status, correlation_id, parent_instance_id, created_by,
                                   created_at, updated_at, completed_at, revision, state)
            VALUES (@Id, @ValueStreamId, @Version, @Status, @CorrelationId, @ParentInstanceId, @CreatedBy,
                    @CreatedAt, @UpdatedAt, @CompletedAt, @Revision, @State)
            """,
            () => new
            {
                instance.Id, instance.ValueStreamId, instance.Version, instance.Status, instance.CorrelationId, instance.ParentInstanceId,
                instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt, instance.Revision,
                State = InstanceStateJson.Write(instance),
            });
        return Task.CompletedTask;
    }

    public Task SaveInstanceAsync(InstanceState instance)
    {
        var expected = instance.Revision;
        instance.Revision++;
        if (_unwritten.Contains(instance))
            return Task.CompletedTask; // its queued insert writes this state
        var parameters = new
        {
            instance.Id, instance.Version, instance.Status, instance.UpdatedAt, instance.CompletedAt, instance.Revision,
            State = InstanceStateJson.Write(instance), expected,
        };
        _pending.Add(
            """
            UPDATE instances SET version = @Version, status = @Status, updated_at = @UpdatedAt, completed_at = @CompletedAt,
                                 revision = @Revision, state = @State
            WHERE id = @Id AND revision = @expected
            """,
            () => parameters, expectedRows: 1, whenNotExpected: $"Instance '{instance.Id}' was saved by another run since it was loaded.");
        return Task.CompletedTask;
    }

    public async Task<ValueStreamDefinition?> LoadDefinitionAsync(string valueStreamId, int version)
    {
        if (definitions.TryGetValue((valueStreamId, version), out var cached))
            return cached;
        var content = await connection.QuerySingleOrDefaultAsync<string>(await Command(
            "SELECT content FROM value_stream_versions WHERE value_stream_id = @valueStreamId AND version = @version",
            new { valueStreamId, version }));
        if (content is null)
            return null;
        // Published versions never change, so one parse serves every later run.
        var definition = ValueStreamReader.Read(content).Definition!;
        definitions.TryAdd((valueStreamId, version), definition);
        return definition;
    }

    public async Task<int?> PublishedVersionAsync(string valueStreamId) =>
        await connection.QuerySingleOrDefaultAsync<int?>(await Command("SELECT published_version FROM value_streams WHERE id = @valueStreamId", new { valueStreamId }));

    private readonly List<JournalEntry> _journal = [];

    /// <summary>Journal lines are kept until the run ends and then written together (nothing reads them before commit).</summary>
    public Task AppendJournalAsync(JournalEntry entry)
    {
        _journal.Add(entry);
        return Task.CompletedTask;
    }

    private static readonly string[] JournalColumns = ["instance_id", "at", "step_id", "event", "actor", "outcome", "detail"];

    /// <summary>Queues the run's journal lines as multi-row inserts, in the order they happened.</summary>
    private void QueueJournal(int rowsPerStatement)
    {
        foreach (var chunk in _journal.Chunk(rowsPerStatement))
        {
            var (sql, parameters) = MultiRowInsert.Of("journal", JournalColumns,
                chunk.Select(e => new object?[] { e.InstanceId, e.At, e.StepId, e.Event, e.Actor, e.Outcome, e.Detail }));
            _pending.Add(sql, parameters);
        }
        _journal.Clear();
    }

    public Task CreateTaskAsync(HumanTask task)
    {
        _pending.Add(
            """
            INSERT INTO tasks (id, instance_id, step_id, token_id, title, candidate_group, assignee, status, priority, completion,
                               outcomes, form, due_at, created_at, respond_by, resolve_by, escalate_to, sla_calendar)
            VALUES (@Id, @InstanceId, @StepId, @TokenId, @Title, @CandidateGroup, @Assignee, 'open', @Priority, @Completion,
                    @Outcomes, @Form, @DueAt, @CreatedAt, @RespondBy, @ResolveBy, @EscalateTo, @SlaCalendar)
            """,
            new
            {
                task.Id, task.InstanceId, task.StepId, task.TokenId, task.Title, task.CandidateGroup, task.Assignee, task.Priority,
                task.Completion, Outcomes = task.Outcomes.ToJsonString(), Form = task.Form.ToJsonString(), task.DueAt, task.CreatedAt,
                task.RespondBy, task.ResolveBy, task.EscalateTo, task.SlaCalendar,
            });
        AppendTaskEvent(task.Id, task.CreatedAt, "system", "created", task.Assignee ?? task.CandidateGroup);
        if (TaskNotices.Statement(task.Id, task.Assignee, task.CandidateGroup, task.Title, task.CreatedAt) is { } notices)
            _pending.Add(notices.Sql, notices.Parameters);
        return Task.CompletedTask;
    }

    public async Task<TaskRow?> CompleteTaskAsync(string taskId, string outcome, JsonObject data, string actor, DateTimeOffset at, bool overrideClaim)
    {
        // The guarded change and the row it changed, in one statement (SQLite has RETURNING too). The holder is part of
        // the guard, so a claim that lands between the caller's check and this statement is not completed over.
        var row = await connection.QuerySingleOrDefaultAsync<TaskRowData>(await Command(
            """
            UPDATE tasks SET status = 'completed', outcome = @outcome, data = @data, completed_by = @actor, completed_at = @at
            WHERE id = @taskId AND (status = 'open' OR (status = 'claimed' AND (claimed_by = @actor OR @overrideClaim)))
            RETURNING id AS Id, instance_id AS InstanceId, step_id AS StepId, token_id AS TokenId, status AS Status,
                      candidate_group AS CandidateGroup, assignee AS Assignee, claimed_by AS ClaimedBy
            """, new { taskId, outcome, data = data.ToJsonString(), actor, at, overrideClaim }));
        if (row is null)
            return null;
        AppendTaskEvent(taskId, at, actor, "completed", outcome);
        _pending.Add(TaskNotices.ReadForTask, new { taskId, at });
        return row.ToTaskRow();
    }

    public async Task<(TaskRow Task, InstanceState Instance)?> LockInstanceOfTaskAsync(string taskId)
    {
        // One round trip for both; on PostgreSQL only the instance's row is locked, as LockInstanceAsync locks it.
        var row = await connection.QuerySingleOrDefaultAsync<TaskRowData>(await Command(
            $"""
            SELECT t.id AS Id, t.instance_id AS InstanceId, t.step_id AS StepId, t.token_id AS TokenId, t.status AS Status,
                   t.candidate_group AS CandidateGroup, t.assignee AS Assignee, t.claimed_by AS ClaimedBy, i.state AS State
            FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = @taskId{Sql.ForUpdate(of: "i")}
            """, new { taskId }));
        return row is null ? null : (row.ToTaskRow(), InstanceStateJson.Read(row.State!));
    }

    public async Task CancelOpenTasksAsync(string instanceId, DateTimeOffset at)
    {
        _pending.Add(TaskNotices.ReadForOpenTasks(ofOneToken: false), new { instanceId, at });
        await connection.ExecuteAsync(await Command(
            """
            INSERT INTO task_events (task_id, at, actor, action, detail)
            SELECT id, @at, 'system', 'cancelled', 'instance cancelled' FROM tasks WHERE instance_id = @instanceId AND status IN ('open', 'claimed')
            """, new { instanceId, at }));
        await connection.ExecuteAsync(await Command(
            "UPDATE tasks SET status = 'cancelled', completed_at = @at WHERE instance_id = @instanceId AND status IN ('open', 'claimed')",
            new { instanceId, at }));
    }

    public async Task<int> CancelOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at, string? because = null)
    {
        var detail = because ?? "another participant completed the step";
        _pending.Add(TaskNotices.ReadForOpenTasks(ofOneToken: true), new { instanceId, tokenId, at });
        await connection.ExecuteAsync(await Command(
            """
            INSERT INTO task_events (task_id, at, actor, action, detail)
            SELECT id, @at, 'system', 'cancelled', @detail
            FROM tasks WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')
            """, new { instanceId, tokenId, at, detail }));
        return await connection.ExecuteAsync(await Command(
            "UPDATE tasks SET status = 'cancelled', completed_at = @at WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')",
            new { instanceId, tokenId, at }));
    }

    public async Task<int> TimeOutOpenTasksOfTokenAsync(string instanceId, string tokenId, DateTimeOffset at)
    {
        _pending.Add(TaskNotices.ReadForOpenTasks(ofOneToken: true), new { instanceId, tokenId, at });
        await connection.ExecuteAsync(await Command(
            """
            INSERT INTO task_events (task_id, at, actor, action, detail)
            SELECT id, @at, 'system', 'timed-out', 'the step''s deadline passed before the task was completed'
            FROM tasks WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')
            """, new { instanceId, tokenId, at }));
        return await connection.ExecuteAsync(await Command(
            "UPDATE tasks SET status = 'timed-out', completed_at = @at WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')",
            new { instanceId, tokenId, at }));
    }

    public async Task<int> OpenTasksOfTokenAsync(string instanceId, string tokenId) =>
        await connection.ExecuteScalarAsync<int>(await Command(
            "SELECT COUNT(*) FROM tasks WHERE instance_id = @instanceId AND token_id = @tokenId AND status IN ('open', 'claimed')",
            new { instanceId, tokenId }));

    public Task CreateMessageAsync(OutgoingMessage message)
    {
        _pending.Add(
            """
            INSERT INTO messages (id, channel, recipient, subject, body, url, instance_id, task_id, created_at, status)
            VALUES (@Id, @Channel, @Recipient, @Subject, @Body, @Url, @InstanceId, @TaskId, @CreatedAt, 'pending')
            """,
            new { message.Id, message.Channel, message.Recipient, message.Subject, message.Body, message.Url, message.InstanceId, message.TaskId, message.CreatedAt });
        return Task.CompletedTask;
    }

    private void AppendTaskEvent(string taskId, DateTimeOffset at, string actor, string action, string? detail) =>
        _pending.Add(
            TaskStatements.AppendEvent,
            new { taskId, at, actor, action, detail });

    public Task CreateTimerAsync(DurableTimer timer)
    {
        _pending.Add(
            "INSERT INTO timers (id, instance_id, token_id, step_id, due_at, status) VALUES (@Id, @InstanceId, @TokenId, @StepId, @DueAt, 'pending')",
            new { timer.Id, timer.InstanceId, timer.TokenId, timer.StepId, timer.DueAt });
        return Task.CompletedTask;
    }

    public async Task<DurableTimer?> FireTimerAsync(string timerId, DateTimeOffset at, bool evenIfNotDue)
    {
        var changed = await connection.ExecuteAsync(await Command(
            "UPDATE timers SET status = 'fired', fired_at = @at WHERE id = @timerId AND status = 'pending' AND (@evenIfNotDue OR due_at <= @at)",
            new { timerId, at, evenIfNotDue }));
        if (changed != 1)
            return null;
        var row = await connection.QuerySingleAsync<TimerRowData>(await Command(
            "SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, due_at AS DueAt FROM timers WHERE id = @timerId",
            new { timerId }));
        return new DurableTimer(row.Id, row.InstanceId, row.TokenId, row.StepId, row.DueAt);
    }

    public async Task<IReadOnlyList<(string TimerId, DateTimeOffset DueAt)>> PendingTimersAsync(string instanceId) =>
        (await connection.QueryAsync<TimerRowData>(await Command(
            "SELECT id AS Id, due_at AS DueAt FROM timers WHERE instance_id = @instanceId AND status = 'pending' ORDER BY due_at", new { instanceId })))
        .Select(t => (t.Id, t.DueAt)).ToList();

    public async Task CancelTimersAsync(string instanceId) =>
        await connection.ExecuteAsync(await Command("UPDATE timers SET status = 'cancelled' WHERE instance_id = @instanceId AND status = 'pending'", new { instanceId }));

    public async Task<bool> CancelTimerAsync(string timerId) =>
        await connection.ExecuteAsync(await Command("UPDATE timers SET status = 'cancelled' WHERE id = @timerId AND status = 'pending'", new { timerId })) == 1;

    public Task SubscribeAsync(EventSubscription subscription)
    {
        _pending.Add(
            """
            INSERT INTO event_subscriptions (id, instance_id, token_id, step_id, event_name, correlation_id)
            VALUES (@Id, @InstanceId, @TokenId, @StepId, @EventName, @CorrelationId)
            """,
            new { subscription.Id, subscription.InstanceId, subscription.TokenId, subscription.StepId, subscription.EventName, subscription.CorrelationId });
        return Task.CompletedTask;
    }

    public async Task<EventSubscription?> TakeSubscriptionAsync(string subscriptionId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRowData>(await Command(
            """
            SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, event_name AS EventName, correlation_id AS CorrelationId
            FROM event_subscriptions WHERE id = @subscriptionId
            """, new { subscriptionId }));
        if (row is null)
            return null;
        var deleted = await connection.ExecuteAsync(await Command("DELETE FROM event_subscriptions WHERE id = @subscriptionId", new { subscriptionId }));
        return deleted == 1 ? row.ToSubscription() : null;
    }

    public async Task<IReadOnlyList<EventSubscription>> FindSubscriptionsAsync(string eventName, string correlationId) =>
        (await connection.QueryAsync<SubscriptionRowData>(await Command(
            """
            SELECT id AS Id, instance_id AS InstanceId, token_id AS TokenId, step_id AS StepId, event_name AS EventName, correlation_id AS CorrelationId
            FROM event_subscriptions WHERE event_name = @eventName AND correlation_id = @correlationId
            """, new { eventName, correlationId }))).Select(r => r.ToSubscription()).ToList();

    public async Task CancelSubscriptionsAsync(string instanceId) =>
        await connection.ExecuteAsync(await Command("DELETE FROM event_subscriptions WHERE instance_id = @instanceId", new { instanceId }));

    public Task RetainEventAsync(RetainedEvent retained)
    {
        _pending.Add(
            $"""
            INSERT INTO retained_events (id, event_name, correlation_id, payload, published_by, publisher_groups, published_at, expires_at)
            VALUES (@Id, @EventName, @CorrelationId, {Sql.Json("Payload")}, @PublishedBy, @PublisherGroups, @PublishedAt, @ExpiresAt)
            """,
            new
            {
                retained.Id, retained.EventName, retained.CorrelationId, Payload = retained.Payload?.ToJsonString(), retained.PublishedBy,
                PublisherGroups = retained.PublisherGroups is null ? null : JsonSerializer.Serialize(retained.PublisherGroups),
                retained.PublishedAt, retained.ExpiresAt,
            });
        return Task.CompletedTask;
    }

    public async Task<RetainedEvent?> ConsumeRetainedEventAsync(string eventName, string correlationId, DateTimeOffset publishedSince, DateTimeOffset now, string instanceId)
    {
        var candidates = (await connection.QueryAsync<RetainedEventRowData>(await Command(
            """
            SELECT id AS Id, event_name AS EventName, correlation_id AS CorrelationId, CAST(payload AS TEXT) AS Payload,
                   published_by AS PublishedBy, publisher_groups AS PublisherGroups, published_at AS PublishedAt, expires_at AS ExpiresAt
            FROM retained_events
            WHERE event_name = @eventName AND correlation_id = @correlationId AND consumed_at IS NULL
              AND published_at >= @publishedSince AND expires_at > @now
            ORDER BY published_at, id LIMIT 5
            """, new { eventName, correlationId, publishedSince, now }))).ToList();
        foreach (var row in candidates)
        {
            var groups = row.PublisherGroups is null ? null : JsonSerializer.Deserialize<List<string>>(row.PublisherGroups) ?? [];
            if (groups is not null && !await PublisherMaySeeAsync(new Viewer(row.PublishedBy, groups, IsAdmin: false), instanceId))
                continue;
            // Another wait may have taken it since it was read: only the wait whose update changes the row has it.
            var taken = await connection.ExecuteAsync(await Command(
                "UPDATE retained_events SET consumed_by = @instanceId, consumed_at = @now WHERE id = @Id AND consumed_at IS NULL",
                new { instanceId, now, row.Id }));
            if (taken == 1)
                return new RetainedEvent(row.Id, row.EventName, row.CorrelationId, row.Payload is null ? null : JsonNode.Parse(row.Payload),
                    row.PublishedBy, row.PublishedAt, row.ExpiresAt, groups);
        }
        return null;
    }

    /// <summary>The instance-visibility rule (<see cref="InstanceAccess"/>), in this transaction, so the run's own writes count.</summary>
    private async Task<bool> PublisherMaySeeAsync(Viewer publisher, string instanceId)
    {
        var parameters = new DynamicParameters(new { instanceId });
        var condition = InstanceAccess.Condition("i", publisher, parameters);
        return await connection.ExecuteScalarAsync<int>(await Command($"SELECT COUNT(*) FROM instances i WHERE i.id = @instanceId AND {condition}", parameters)) > 0;
    }

    public async Task<int> DeleteExpiredEventsAsync(DateTimeOffset now, int max) =>
        await connection.ExecuteAsync(await Command(
            "DELETE FROM retained_events WHERE id IN (SELECT id FROM retained_events WHERE expires_at <= @now ORDER BY expires_at LIMIT @max)",
            new { now, max }));

    public Task EnqueueAsync(OutboxJob job)
    {
        _pending.Add(
            "INSERT INTO outbox (id, kind, target_id, due_at, created_at) VALUES (@Id, @Kind, @TargetId, @DueAt, @now)",
            new { job.Id, job.Kind, job.TargetId, job.DueAt, now = DateTimeOffset.UtcNow });
        Enqueued.Add(job);
        return Task.CompletedTask;
    }

    // Every kind has its own table; the old free-form `records` table stays (migrations only go forward) but nothing writes it.
    public async Task<RecordRef> CreateRecordAsync(string recordType, JsonObject fields, string actor, string? instanceId)
    {
        var kind = KindOf(recordType);
        var change = RecordChange.Check(kind, null, fields, recordSettings);
        if (!change.IsValid)
            throw new RecordRefusedException(recordType, change.Errors);
        await SendPendingAsync();
        var written = await RecordRepository.InsertAsync(connection, transaction, Sql, kind, change, actor, numbers: recordNumbers);
        if (written is RecordWrite.Invalid(var wrong))
            throw new RecordRefusedException(recordType, wrong);
        var created = ((RecordWrite.Written)written).Record;
        var createdId = (string)created["id"]!;
        if (instanceId is not null)
            await RecordRepository.LinkInstanceAsync(connection, transaction, kind, createdId, instanceId, "created");
        return new RecordRef(recordType, createdId, (string)created["number"]!);
    }

    public async Task<bool> UpdateRecordAsync(string recordType, string recordId, JsonObject fields, string actor, string? instanceId)
    {
        var kind = KindOf(recordType);
        await SendPendingAsync();
        switch (await RecordRepository.UpdateAsync(connection, transaction, Sql, recordSettings, kind, recordId, fields, null, actor))
        {
            case RecordWrite.Invalid(var errors):
                throw new RecordRefusedException(recordType, errors);
            case RecordWrite.Written(var written):
                if (instanceId is not null)
                    await RecordRepository.LinkInstanceAsync(connection, transaction, kind, (string)written["id"]!, instanceId, "updated");
                return true;
            default:
                return false;
        }
    }

    public async Task<JsonObject?> LookupRecordAsync(string recordType, JsonObject filters, string? instanceId)
    {
        var kind = KindOf(recordType);
        var equals = filters.ToDictionary(f => f.Key, f => FilterValue(kind.Descriptor, f.Key, f.Value));
        await SendPendingAsync();
        JsonObject? found;
        try
        {
            found = await RecordRepository.LookupAsync(connection, transaction, kind, equals);
        }
        catch (ArgumentException unknown)
        {
            throw new StepFailedException(unknown.Message);
        }
        if (found is not null && instanceId is not null)
            await RecordRepository.LinkInstanceAsync(connection, transaction, kind, (string)found["id"]!, instanceId, "read");
        return found;
    }

    public async Task<FiredThreshold?> FireThresholdAsync(string thresholdId, DateTimeOffset now)
    {
        await SendPendingAsync();
        return await ServiceLevels.ThresholdFiring.FireAsync(connection, transaction, Sql, thresholdId, now);
    }

    public async Task<string> ApplyThresholdActionAsync(FiredThreshold fired, Core.ServiceLevels.ThresholdAction action, DateTimeOffset now)
    {
        await SendPendingAsync();
        var (outcome, job) = await ServiceLevels.ThresholdFiring.ApplyAsync(connection, transaction, Sql, recordSettings, fired, action, now);
        if (job is not null)
            await EnqueueAsync(job);
        return outcome;
    }

    public async Task RecordThresholdOutcomeAsync(string thresholdId, string outcome)
    {
        await SendPendingAsync();
        await ServiceLevels.ThresholdFiring.RecordOutcomeAsync(connection, transaction, thresholdId, outcome);
    }

    public async Task LinkRecordAsync(string recordType, string recordId, string instanceId, string role)
    {
        var kind = KindOf(recordType);
        await SendPendingAsync();
        await RecordRepository.LinkInstanceAsync(connection, transaction, kind, recordId, instanceId, role);
    }

    /// <summary>The catalogued kind a record step names; a stream published before the kind was removed fails its step.</summary>
    private static RecordKind KindOf(string recordType) =>
        RecordKindCatalogue.Find(recordType) ?? throw new StepFailedException($"there is no record kind '{recordType}'");

    /// <summary>
    /// A lookup filter's value as its column holds it: numbers, flags (0/1 on SQLite) and dates keep their type, so that
    /// they match on both stores; a value of the wrong type fails the step naming the field.
    /// </summary>
    private object? FilterValue(RecordKindDescriptor kind, string name, JsonNode? node)
    {
        if (node is null)
            return null;
        if (node is not JsonValue value)
            throw new StepFailedException($"the lookup filter '{name}' must be a single value, not {(node is JsonArray ? "a list" : "an object")}");
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        switch (kind.Field(name)?.Type)
        {
            case RecordFieldType.Number:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw new StepFailedException($"the lookup filter '{name}' must be a number, not '{text}'");
            case RecordFieldType.Boolean:
                var flag = text switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw new StepFailedException($"the lookup filter '{name}' must be true or false, not '{text}'"),
                };
                return provider == StorageProvider.Sqlite ? (flag ? 1 : 0) : flag;
            case RecordFieldType.DateTime:
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at.ToUniversalTime()
                    : throw new StepFailedException($"the lookup filter '{name}' must be a date and time, not '{text}'");
            default:
                return text;
        }
    }

    public async Task<(string Cron, string TimeZone, DateTimeOffset NextAt)?> ScheduleOfAsync(string valueStreamId) =>
        await connection.QuerySingleOrDefaultAsync<(string, string, DateTimeOffset)?>(await Command(
            "SELECT cron, time_zone, next_at FROM stream_schedules WHERE value_stream_id = @valueStreamId", new { valueStreamId }));

    public async Task<bool> AdvanceScheduleAsync(string valueStreamId, DateTimeOffset moment, DateTimeOffset? next, DateTimeOffset now) =>
        await connection.ExecuteAsync(await Command(next is null
                ? "DELETE FROM stream_schedules WHERE value_stream_id = @valueStreamId AND next_at = @moment"
                : "UPDATE stream_schedules SET next_at = @next, last_started_at = @now WHERE value_stream_id = @valueStreamId AND next_at = @moment",
            new { valueStreamId, moment, next, now })) == 1;

    public async Task<IReadOnlyList<(string Id, int Version)>> PublishedStreamsAsync() =>
        (await connection.QueryAsync<(string, int)>(await Command(
            "SELECT id, published_version FROM value_streams WHERE published_version IS NOT NULL ORDER BY id"))).ToList();

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

        /// <summary>The instance's state, when the query read it too.</summary>
        public string? State { get; init; }

        public TaskRow ToTaskRow() => new(Id, InstanceId, StepId, TokenId, Status, CandidateGroup, Assignee, ClaimedBy);
    }

    private sealed class TimerRowData
    {
        public string Id { get; init; } = "";
        public string InstanceId { get; init; } = "";
        public string TokenId { get; init; } = "";
        public string StepId { get; init; } = "";
        public DateTimeOffset DueAt { get; init; }
    }

    private sealed class RetainedEventRowData
    {
        public string Id { get; set; } = "";
        public string EventName { get; set; } = "";
        public string CorrelationId { get; set; } = "";
        public string? Payload { get; set; }
        public string PublishedBy { get; set; } = "";
        public string? PublisherGroups { get; set; }
        public DateTimeOffset PublishedAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
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
}
