using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>A journal line as the API shows it.</summary>
public sealed record JournalLine(long Sequence, DateTimeOffset At, string? StepId, string Event, string? Actor, string? Outcome, string? Detail);

/// <summary>How many journal lines of one event (and outcome) a step has.</summary>
public sealed record StepTally(string StepId, string Event, string? Outcome, int Count);

/// <summary>An instance in a list.</summary>
public sealed record InstanceSummary(string Id, string ValueStreamId, int Version, string Status, string? CorrelationId,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);

/// <summary>
/// What an instance list asks for: a stream and version, a status, when it started (from inclusive, to exclusive), a
/// correlation id, a record it works on, and "stuck" (not moved, or a task open, since a time); then a page.
/// </summary>
public sealed record InstanceListQuery
{
    public string? ValueStreamId { get; init; }
    public int? Version { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? StartedFrom { get; init; }
    public DateTimeOffset? StartedTo { get; init; }
    public string? CorrelationId { get; init; }
    public RecordReference? Record { get; init; }
    public DateTimeOffset? StuckSince { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
}

/// <summary>A record by its kind's name and its id.</summary>
public sealed record RecordReference(string Kind, string Id);

/// <summary>A page of an instance list; beyond <see cref="InstanceQueries.MaxCount"/> the total is a bound and <see cref="TotalExact"/> false.</summary>
public sealed record InstancePage(IReadOnlyList<InstanceSummary> Items, int Total, int Page, int PageSize, bool TotalExact = true);

/// <summary>Reads of instances and their journals, outside any run.</summary>
public sealed class InstanceQueries(ConnectionFactory connections)
{
    public async Task<InstanceState?> FindAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var state = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT state FROM instances WHERE id = @instanceId", new { instanceId }, cancellationToken: cancellationToken));
        return state is null ? null : InstanceStateJson.Read(state);
    }

    public async Task<IReadOnlyList<JournalLine>> JournalAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<JournalRow>(new CommandDefinition(
            """
            SELECT id AS Sequence, at AS At, step_id AS StepId, event AS Event, actor AS Actor, outcome AS Outcome, detail AS Detail
            FROM journal WHERE instance_id = @instanceId ORDER BY id
            """, new { instanceId }, cancellationToken: cancellationToken));
        return rows.Select(r => new JournalLine(r.Sequence, r.At, r.StepId, r.Event, r.Actor, r.Outcome, r.Detail)).ToList();
    }

    /// <summary>The newest <paramref name="newest"/> lines of the journal, oldest of them first.</summary>
    public async Task<IReadOnlyList<JournalLine>> NewestJournalAsync(string instanceId, int newest, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<JournalRow>(new CommandDefinition(
            """
            SELECT id AS Sequence, at AS At, step_id AS StepId, event AS Event, actor AS Actor, outcome AS Outcome, detail AS Detail
            FROM journal WHERE instance_id = @instanceId ORDER BY id DESC LIMIT @newest
            """, new { instanceId, newest = Math.Clamp(newest, 1, 10_000) }, cancellationToken: cancellationToken));
        return rows.Reverse().Select(r => new JournalLine(r.Sequence, r.At, r.StepId, r.Event, r.Actor, r.Outcome, r.Detail)).ToList();
    }

    /// <summary>
    /// How often each step was entered, completed (by outcome), faulted or timed out, counted in the store: one row per
    /// step, event and outcome however long the journal is.
    /// </summary>
    public async Task<IReadOnlyList<StepTally>> StepTalliesAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TallyRow>(new CommandDefinition(
            $"""
            SELECT step_id AS StepId, event AS Event, outcome AS Outcome, COUNT(*) AS Count
            FROM journal WHERE instance_id = @instanceId AND step_id IS NOT NULL
              AND event IN ('{JournalEntry.Entered}', '{JournalEntry.Completed}', '{JournalEntry.Faulted}', '{JournalEntry.TimedOut}')
            GROUP BY step_id, event, outcome
            """, new { instanceId }, cancellationToken: cancellationToken));
        return rows.Select(r => new StepTally(r.StepId, r.Event, r.Outcome, (int)r.Count)).ToList();
    }

    /// <summary>
    /// The instances the viewer may see (<see cref="InstanceAccess"/>) that match the filters, newest first, without a
    /// count: the API's list as it was before pages (a page of up to 1,000).
    /// </summary>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(InstanceListQuery query, Viewer viewer, CancellationToken cancellationToken = default) =>
        (await PageAsync(query, viewer, countTotal: false, cancellationToken)).Items;

    /// <summary>
    /// A page of the instances the viewer may see that match the filters, newest first. The total is counted up to
    /// <see cref="MaxCount"/>; beyond that <see cref="InstancePage.TotalExact"/> is false.
    /// </summary>
    public Task<InstancePage> PageAsync(InstanceListQuery query, Viewer viewer, CancellationToken cancellationToken = default) =>
        PageAsync(query, viewer, countTotal: true, cancellationToken);

    /// <summary>
    /// The most a count of a filtered list reads; a list with more says "1,000+" and asks for a filter. Counting what a
    /// viewer who is not an admin may see tests the access rule row by row, so a bound of 10,000 cost about 100 ms on a
    /// store of 100,000 instances (see docs/BENCHMARKS.md); 1,000 costs about a tenth of that.
    /// </summary>
    public const int MaxCount = 1_000;

    /// <summary>The most a page of the list holds.</summary>
    public const int MaxPageSize = 200;

    private async Task<InstancePage> PageAsync(InstanceListQuery query, Viewer viewer, bool countTotal, CancellationToken cancellationToken)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, countTotal ? MaxPageSize : 1000);
        var parameters = new DynamicParameters(new
        {
            valueStreamId = query.ValueStreamId, status = query.Status, version = query.Version, correlationId = query.CorrelationId,
            startedFrom = query.StartedFrom, startedTo = query.StartedTo, limit = pageSize, offset = (page - 1) * pageSize,
        });
        var where = new List<string>
        {
            "(CAST(@valueStreamId AS TEXT) IS NULL OR i.value_stream_id = @valueStreamId)",
            "(CAST(@status AS TEXT) IS NULL OR i.status = @status)",
            InstanceAccess.Condition("i", viewer, parameters),
        };
        if (query.Version is not null)
            where.Add("i.version = @version");
        if (query.CorrelationId is not null)
            where.Add("i.correlation_id = @correlationId");
        if (query.StartedFrom is not null)
            where.Add("i.created_at >= @startedFrom");
        if (query.StartedTo is not null)
            where.Add("i.created_at < @startedTo");
        if (query.Record is { } record)
        {
            parameters.Add("recordKind", record.Kind);
            parameters.Add("recordId", record.Id);
            where.Add("EXISTS (SELECT 1 FROM record_instances worked WHERE worked.instance_id = i.id AND worked.record_kind = @recordKind AND worked.record_id = @recordId)");
        }
        if (query.StuckSince is { } stuckSince)
        {
            // Stuck: not finished, and either nothing has moved since then, or one of its tasks has been open since then.
            parameters.Add("stuckSince", stuckSince);
            where.Add($"""
                i.status IN ('{InstanceStatus.Running}', '{InstanceStatus.Waiting}', '{InstanceStatus.Faulted}')
                AND (i.updated_at <= @stuckSince OR EXISTS (SELECT 1 FROM tasks stuck WHERE stuck.instance_id = i.id
                     AND stuck.status IN ('open', 'claimed') AND stuck.created_at <= @stuckSince))
                """);
        }
        var whereSql = string.Join(" AND ", where);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            $"""
            SELECT i.id AS Id, i.value_stream_id AS ValueStreamId, i.version AS Version, i.status AS Status, i.correlation_id AS CorrelationId,
                   i.created_by AS CreatedBy, i.created_at AS CreatedAt, i.updated_at AS UpdatedAt, i.completed_at AS CompletedAt
            FROM instances i
            WHERE {whereSql}
            ORDER BY i.created_at DESC, i.id DESC LIMIT @limit OFFSET @offset
            """, parameters, cancellationToken: cancellationToken));
        var items = rows.Select(r => r.ToSummary()).ToList();
        if (!countTotal)
            return new InstancePage(items, items.Count, page, pageSize);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM (SELECT 1 FROM instances i WHERE {whereSql} LIMIT {MaxCount + 1}) matches", parameters, cancellationToken: cancellationToken));
        return total > MaxCount
            ? new InstancePage(items, MaxCount, page, pageSize, TotalExact: false)
            : new InstancePage(items, total, page, pageSize);
    }

    /// <summary>The instances a parent started (its children), oldest first.</summary>
    public async Task<IReadOnlyList<InstanceSummary>> ChildrenAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT id AS Id, value_stream_id AS ValueStreamId, version AS Version, status AS Status, correlation_id AS CorrelationId,
                   created_by AS CreatedBy, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt
            FROM instances WHERE parent_instance_id = @instanceId
            ORDER BY created_at LIMIT 200
            """, new { instanceId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    /// <summary>The instances a user started, newest first (a requester's "my requests").</summary>
    public async Task<IReadOnlyList<InstanceSummary>> StartedByAsync(string user, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT id AS Id, value_stream_id AS ValueStreamId, version AS Version, status AS Status, correlation_id AS CorrelationId,
                   created_by AS CreatedBy, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt
            FROM instances WHERE created_by = @user
            ORDER BY created_at DESC LIMIT @limit
            """, new { user, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    private sealed class TallyRow
    {
        public string StepId { get; init; } = "";
        public string Event { get; init; } = "";
        public string? Outcome { get; init; }
        public long Count { get; init; }
    }

    private sealed class JournalRow
    {
        public long Sequence { get; init; }
        public DateTimeOffset At { get; init; }
        public string? StepId { get; init; }
        public string Event { get; init; } = "";
        public string? Actor { get; init; }
        public string? Outcome { get; init; }
        public string? Detail { get; init; }
    }

    private sealed class SummaryRow
    {
        public string Id { get; init; } = "";
        public string ValueStreamId { get; init; } = "";
        public int Version { get; init; }
        public string Status { get; init; } = "";
        public string? CorrelationId { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }

        public InstanceSummary ToSummary() => new(Id, ValueStreamId, Version, Status, CorrelationId, CreatedBy, CreatedAt, UpdatedAt, CompletedAt);
    }
}
