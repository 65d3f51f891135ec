using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>
/// Reads the SLA report. Records' clocks are not stored: they are read from the records' histories under the policies
/// in force, so the newest <see cref="ServiceLevelReport.MaxRecords"/> records of the window are read with all their histories in one query.
/// Tasks' targets are stored on the tasks, so they are counted in SQL over the whole window.
/// </summary>
public sealed class ServiceLevelReportQueries(ConnectionFactory connections)
{
    private const int MaxRecords = ServiceLevelReport.MaxRecords;

    /// <summary>The report of <paramref name="kind"/>, its records' clocks read under <paramref name="set"/> (the policies in force) at <paramref name="now"/>.</summary>
    public async Task<SlaReport> ReadAsync(RecordKind kind, DateTimeOffset from, DateTimeOffset to, Viewer viewer, DateTimeOffset now, ServiceLevelSet set,
        CancellationToken ct = default)
    {
        var d = kind.Descriptor;
        var parameters = new DynamicParameters(new { from, to, kind = d.Name });
        // Column names come from the descriptor only; a kind without the field reports every record under "none".
        string Column(string field) => d.Field(field)?.Column ?? "NULL";
        var window = $"FROM {d.Table} WHERE created_at >= @from AND created_at < @to AND {RecordAccess.Condition(d, viewer, parameters)} " +
                     "ORDER BY created_at DESC, id DESC";

        await using var connection = await connections.OpenAsync(ct);
        var rows = (await connection.QueryAsync<RecordRow>(new CommandDefinition(
            $"SELECT id AS Id, {Column(RecordClocks.PriorityField)} AS Priority, {Column(RecordAccess.GroupField)} AS GroupName, " +
            $"{Column(ServiceField)} AS Service {window} LIMIT {MaxRecords + 1}",
            parameters, cancellationToken: ct))).ToList();
        var capped = rows.Count > MaxRecords;
        if (capped)
            rows.RemoveAt(MaxRecords);

        var histories = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(
                "SELECT record_id AS RecordId, at AS At, field AS Field, old_value AS Old, new_value AS New FROM record_history " +
                $"WHERE record_kind = @kind AND record_id IN (SELECT id {window} LIMIT {MaxRecords}) ORDER BY record_id, at, id",
                parameters, cancellationToken: ct)))
            .GroupBy(h => h.RecordId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RecordFieldChange>)g.Select(h => new RecordFieldChange(h.At, h.Field, h.Old, h.New)).ToList(),
                StringComparer.Ordinal);

        var records = rows.Select(r => new ReportedRecord(r.Priority, r.GroupName, r.Service,
            histories.TryGetValue(r.Id, out var history) ? set.ClocksOf(d.Name, history, now) : []));
        var clocks = ServiceLevelReport.Tally(records, await ServiceNamesAsync(connection, d, rows, ct));
        return new SlaReport(d.Name, from, to, rows.Count, capped, clocks, await TasksAsync(connection, from, to, viewer, now, ct));
    }

    private const string ServiceField = "service";

    /// <summary>The titles of the services the records name, by the number the records keep.</summary>
    private async Task<IReadOnlyDictionary<string, string>> ServiceNamesAsync(System.Data.Common.DbConnection connection, RecordKindDescriptor d,
        List<RecordRow> rows, CancellationToken ct)
    {
        var numbers = rows.Select(r => r.Service).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (numbers.Length == 0 || d.Field(ServiceField)?.RecordKind is not { } named || RecordKindCatalogue.Find(named) is not { } services)
            return new Dictionary<string, string>();
        return (await connection.QueryAsync<(string Number, string Title)>(new CommandDefinition(
                $"SELECT number, title FROM {services.Descriptor.Table} WHERE {connections.Dialect.InList("number", "numbers")}",
                new { numbers }, cancellationToken: ct)))
            .ToDictionary(s => s.Number, s => s.Title, StringComparer.Ordinal);
    }

    /// <summary>
    /// Human tasks created in the window that the viewer may see, per response and resolution target: met (picked up or
    /// completed by it), breached (missed, or still open past it), at risk (open with three quarters of its time gone) or on
    /// track. A task cancelled before it met a target is left out of that target.
    /// </summary>
    private async Task<IReadOnlyList<ReportClock>> TasksAsync(System.Data.Common.DbConnection connection, DateTimeOffset from, DateTimeOffset to,
        Viewer viewer, DateTimeOffset now, CancellationToken ct)
    {
        var dialect = connections.Dialect;
        var parameters = new DynamicParameters(new { from, to, now });
        var pickedUp = "COALESCE(t.claimed_at, CASE WHEN t.status = 'completed' THEN t.completed_at END)";
        string Running(string due) =>
            $"WHEN @now > {due} THEN 'breached' " +
            $"WHEN {dialect.SecondsBetween("t.created_at", "@now")} >= {ServiceLevelReport.AtRiskFrom.ToString(System.Globalization.CultureInfo.InvariantCulture)} * " +
            $"{dialect.SecondsBetween("t.created_at", due)} THEN 'at-risk' ELSE 'on-track'";
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"""
            SELECT Priority, GroupName, Response, Resolution, COUNT(*) AS Tasks FROM (
                SELECT t.priority AS Priority, t.candidate_group AS GroupName,
                    CASE WHEN t.respond_by IS NULL THEN NULL
                         WHEN t.response_missed_at IS NOT NULL OR {pickedUp} > t.respond_by THEN 'breached'
                         WHEN {pickedUp} IS NOT NULL THEN 'met'
                         WHEN t.status <> 'open' THEN NULL
                         {Running("t.respond_by")} END AS Response,
                    CASE WHEN t.resolve_by IS NULL THEN NULL
                         WHEN t.resolution_missed_at IS NOT NULL OR (t.status = 'completed' AND t.completed_at > t.resolve_by) THEN 'breached'
                         WHEN t.status = 'completed' THEN 'met'
                         WHEN t.status NOT IN ('open', 'claimed') THEN NULL
                         {Running("t.resolve_by")} END AS Resolution
                FROM tasks t JOIN instances i ON i.id = t.instance_id
                WHERE t.created_at >= @from AND t.created_at < @to AND (t.respond_by IS NOT NULL OR t.resolve_by IS NOT NULL)
                    AND {InstanceAccess.Condition("i", viewer, parameters)}
            ) targets
            GROUP BY Priority, GroupName, Response, Resolution
            """, parameters, cancellationToken: ct));
        var counted = rows.ToList();
        return new (string Name, Func<TaskRow, string?> Outcome)[] { ("response", r => r.Response), ("resolution", r => r.Resolution) }
            .Select(target =>
            {
                var of = counted.Where(r => target.Outcome(r) is not null)
                    .Select(r => (Item: r, Outcome: Outcome(target.Outcome(r)!), Count: (int)r.Tasks)).ToList();
                return new ReportClock(target.Name, ServiceLevelReport.Sum(of.Select(o => (o.Outcome, o.Count))),
                    ServiceLevelReport.Lines(of, r => r.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture), p => $"P{p}", "No priority"),
                    ServiceLevelReport.Lines(of, r => r.GroupName, g => g, "No group"), []);
            })
            .ToList();
    }

    private static ReportOutcome Outcome(string text) => text switch
    {
        "met" => ReportOutcome.Met,
        "breached" => ReportOutcome.Breached,
        "at-risk" => ReportOutcome.AtRisk,
        _ => ReportOutcome.OnTrack,
    };

    private sealed class RecordRow
    {
        public string Id { get; init; } = "";
        public string? Priority { get; init; }
        public string? GroupName { get; init; }
        public string? Service { get; init; }
    }

    private sealed class HistoryRow
    {
        public string RecordId { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Field { get; init; } = "";
        public string? Old { get; init; }
        public string? New { get; init; }
    }

    private sealed class TaskRow
    {
        public long? Priority { get; init; }
        public string? GroupName { get; init; }
        public string? Response { get; init; }
        public string? Resolution { get; init; }
        public long Tasks { get; init; }
    }
}
