using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records;

/// <summary>What became of a create or update.</summary>
public abstract record RecordWrite
{
    public sealed record Written(JsonObject Record) : RecordWrite;
    public sealed record Invalid(IReadOnlyList<RecordFieldError> Errors) : RecordWrite;
    public sealed record NotFound : RecordWrite;

    /// <summary>The caller's <c>If-Match</c> named a revision that is no longer the record's.</summary>
    public sealed record Stale(int CurrentRevision) : RecordWrite;

    /// <summary>The caller may see records of the kind but not change them (catalogues are for admins).</summary>
    public sealed record Forbidden(string Reason) : RecordWrite;
}

/// <summary>
/// A page of a record list. A text search counts its matches only up to <see cref="RecordRepository.MaxSearchCount"/>:
/// beyond that <see cref="TotalExact"/> is false and <see cref="Total"/> is the bound ("1,000 or more").
/// </summary>
public sealed record RecordPage(IReadOnlyList<JsonObject> Items, int Total, int Page, int PageSize, bool TotalExact = true);

/// <summary>One change of one field, for a record's history.</summary>
public sealed record RecordHistoryEntry(DateTimeOffset At, string Actor, string Field, string? Old, string? New);

/// <summary>
/// Reads and writes the records of every kind from its descriptor: each kind has its own table with a column per field,
/// and every write keeps the record's history and bumps its revision (its ETag). Field names from requests only ever
/// choose among the descriptor's columns; values are bound parameters.
/// </summary>
public sealed class RecordRepository(ConnectionFactory connections, RecordSettings settings)
{
    /// <summary>The most a list page holds.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The longest text a list search takes.</summary>
    public const int MaxSearchLength = 200;

    /// <summary>How far a text search counts its matches; past this a list says "1,000 or more" rather than read them all.</summary>
    public const int MaxSearchCount = 1000;

    /// <summary>
    /// The text a list search looks in: number, title and the kind's text fields joined into one value, so one trigram
    /// index over this same expression (see the kind's search migration) answers a search on PostgreSQL. Changing a
    /// kind's text fields changes this expression; its index must then be created again to match.
    /// </summary>
    public static string SearchText(RecordKindDescriptor d) =>
        string.Join(" || ' ' || ", new[] { "number", "title" }.Concat(d.Fields.Where(f => f.Searchable).Select(f => $"coalesce({f.Column}, '')")));

    private const string Common = "id, number, title, state, revision, created_at, created_by, updated_at, updated_by";

    /// <summary>Every column of the kind's table: the shared ones, then one per field in descriptor order.</summary>
    private static string AllColumns(RecordKindDescriptor d) => $"{Common}, {string.Join(", ", d.Fields.Select(f => f.Column))}";

    private SqlDialect Sql => connections.Dialect;

    /// <summary>A record by its id or its number (<c>INC-000123</c>), or null when there is none the viewer may see.</summary>
    public async Task<JsonObject?> FindAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await ReadRowAsync(connection, null, Sql, kind, idOrNumber, forUpdate: false, viewer);
        return row is null ? null : await DescribeAsync(connection, null, kind, row);
    }

    /// <summary>
    /// Inserts a checked new record in the caller's transaction, with its number, history and links; a written result
    /// holds its id and number. Reference fields must name existing records.
    /// </summary>
    internal static async Task<RecordWrite> InsertAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, RecordKind kind,
        RecordChange change, string actor, CancellationToken ct = default, RecordNumbers? numbers = null)
    {
        var d = kind.Descriptor;
        if (await RecordLinkRepository.ResolveReferencesAsync(connection, transaction, kind, change.Values, change.Changed) is { Count: > 0 } wrong)
            return new RecordWrite.Invalid(wrong);
        if (await Changes.ChangeModelRule.CheckAsync(connection, transaction, kind, change.Values, isNew: true) is { Count: > 0 } refused)
            return new RecordWrite.Invalid(refused);
        var next = numbers is null
            ? await RecordNumbers.NextInAsync(connection, transaction, d.Name, ct)
            : await numbers.NextAsync(connection, transaction, d.Name, ct);
        var id = Guid.CreateVersion7().ToString("N");
        var number = $"{d.NumberPrefix}-{next.ToString("D6", CultureInfo.InvariantCulture)}";
        // Whole microseconds, as both stores keep them: the clocks planned from the history below read the same moments later.
        var now = DateTimeOffset.UtcNow;
        now = now.AddTicks(-(now.Ticks % 10));

        var parameters = Parameters(sql, kind, change.Values);
        parameters.AddDynamicParams(new { id, number, now, actor });
        var values = string.Join(", ", d.Fields.Select((_, i) => $"@f{i}"));
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {d.Table} ({AllColumns(d)}) VALUES (@id, @number, @title, @state, 1, @now, @actor, @now, @actor, {values})",
            parameters, transaction, cancellationToken: ct));
        var history = await WriteHistoryAsync(connection, transaction, kind, id, now, actor, change.Changed, null, change.Values, ct);
        await RecordLinkRepository.KeepFieldLinksAsync(connection, transaction, kind, id, change.Values, change.Changed, actor, now);
        await ServiceLevels.ThresholdPlans.PlanNewAsync(connection, transaction, sql, d.Name, id, history, now, ct);
        return new RecordWrite.Written(new JsonObject { ["id"] = id, ["number"] = number });
    }

    /// <summary>
    /// Applies the viewer's change; <paramref name="expectedRevision"/> (from <c>If-Match</c>) must still be the record's,
    /// when given. A record the viewer may not see is not found.
    /// </summary>
    public async Task<RecordWrite> UpdateAsync(RecordKind kind, string idOrNumber, JsonObject? body, int? expectedRevision, Viewer viewer,
        CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await UpdateAsync(connection, transaction, Sql, settings, kind, idOrNumber, body, expectedRevision, viewer.Username, ct, viewer);
        if (result is not RecordWrite.Written(var id))
            return result;
        await transaction.CommitAsync(ct);
        // Read back without the rule: the change may have moved the record out of the viewer's sight.
        var written = await ReadRowAsync(connection, null, Sql, kind, (string)id["id"]!, forUpdate: false);
        return new RecordWrite.Written(await DescribeAsync(connection, null, kind, written!));
    }

    /// <summary>
    /// Checks and applies a change in the caller's transaction, the row locked first. A written result holds only the
    /// record's id; read it again for the whole record. With a <paramref name="viewer"/>, a record they may not see is
    /// not found; streams pass none.
    /// </summary>
    internal static async Task<RecordWrite> UpdateAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, RecordSettings settings,
        RecordKind kind, string idOrNumber, JsonObject? body, int? expectedRevision, string actor, CancellationToken ct = default, Viewer? viewer = null)
    {
        var d = kind.Descriptor;
        var row = await ReadRowAsync(connection, transaction, sql, kind, idOrNumber, forUpdate: true, viewer);
        if (row is null)
            return new RecordWrite.NotFound();
        if (expectedRevision is { } expected && expected != row.Revision)
            return new RecordWrite.Stale(row.Revision);

        var change = RecordChange.Check(kind, row.Values, body, settings);
        if (!change.IsValid)
            return new RecordWrite.Invalid(change.Errors);
        if (await RecordLinkRepository.ResolveReferencesAsync(connection, transaction, kind, change.Values, change.Changed) is { Count: > 0 } wrong)
            return new RecordWrite.Invalid(wrong);
        if (await Changes.ChangeModelRule.CheckAsync(connection, transaction, kind, change.Values, isNew: false) is { Count: > 0 } refused)
            return new RecordWrite.Invalid(refused);
        if (change.Changed.Count > 0)
        {
            var now = DateTimeOffset.UtcNow;
            var parameters = Parameters(sql, kind, change.Values);
            parameters.AddDynamicParams(new { id = row.Id, now, actor, revision = row.Revision });
            var sets = string.Join(", ", d.Fields.Select((f, i) => $"{f.Column} = @f{i}"));
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {d.Table} SET title = @title, state = @state, revision = revision + 1, updated_at = @now, updated_by = @actor, {sets} " +
                "WHERE id = @id AND revision = @revision",
                parameters, transaction, cancellationToken: ct));
            await WriteHistoryAsync(connection, transaction, kind, row.Id, now, actor, change.Changed, row.Values, change.Values, ct);
            await RecordLinkRepository.KeepFieldLinksAsync(connection, transaction, kind, row.Id, change.Values, change.Changed, actor, now);
            await RecordWriteFollowers.AfterUpdateAsync(new(connection, transaction, sql, settings, kind, row.Id, row.Values, change.Values, actor), ct);
            await ServiceLevels.ThresholdPlans.PlanAsync(connection, transaction, sql, d.Name, row.Id, now, ct);
        }
        return new RecordWrite.Written(new JsonObject { ["id"] = row.Id });
    }

    /// <summary>
    /// The newest record whose fields equal the given values (id and number included), in the caller's transaction, or
    /// null. Field names choose among the kind's columns; an unknown name is an error.
    /// </summary>
    internal static async Task<JsonObject?> LookupAsync(DbConnection connection, DbTransaction transaction, RecordKind kind,
        IReadOnlyDictionary<string, object?> equals)
    {
        var d = kind.Descriptor;
        var where = new List<string>();
        var parameters = new DynamicParameters();
        var i = 0;
        foreach (var (name, value) in equals)
        {
            var column = name is "id" or "number" or "title" or "state" ? name
                : d.Field(name)?.Column ?? throw new ArgumentException($"A {d.Name} has no field '{name}'.", nameof(equals));
            where.Add(value is null ? $"{column} IS NULL" : $"{column} = @p{i}");
            parameters.Add($"p{i}", value);
            i++;
        }
        var row = await connection.QueryFirstOrDefaultAsync(new CommandDefinition(
            $"SELECT {AllColumns(d)} FROM {d.Table}" +
            (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) + " ORDER BY created_at DESC, id DESC LIMIT 1",
            parameters, transaction));
        return row is null ? null : Describe(kind, ToRow(kind, (IDictionary<string, object?>)row));
    }

    /// <summary>The id and number of a record by id or number (that the viewer may see, when one is given), or null.</summary>
    internal static async Task<(string Id, string Number)?> LocateAsync(DbConnection connection, DbTransaction? transaction, RecordKind kind,
        string idOrNumber, Viewer? viewer)
    {
        var d = kind.Descriptor;
        var parameters = new DynamicParameters(new { id = idOrNumber, number = idOrNumber.ToUpperInvariant() });
        var access = viewer is null ? "" : " AND " + RecordAccess.Condition(d, viewer, parameters);
        var row = await connection.QueryFirstOrDefaultAsync<(string Id, string Number)?>(new CommandDefinition(
            $"SELECT id, number FROM {d.Table} WHERE (id = @id OR number = @number){access}", parameters, transaction));
        return row;
    }

    /// <summary>A record by id, its row locked for the rest of the caller's transaction, or null when there is none.</summary>
    internal static async Task<JsonObject?> LockAsync(DbConnection connection, DbTransaction transaction, SqlDialect sql, RecordKind kind, string id) =>
        await ReadRowAsync(connection, transaction, sql, kind, id, forUpdate: true) is { } row ? Describe(kind, row) : null;

    /// <summary>Records that an instance works on a record (once per pair; the first role stays).</summary>
    internal static Task LinkInstanceAsync(DbConnection connection, DbTransaction transaction, RecordKind kind, string recordId,
        string instanceId, string role) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO record_instances (record_kind, record_id, instance_id, role, created_at) VALUES (@kind, @recordId, @instanceId, @role, @now) " +
            "ON CONFLICT (record_kind, record_id, instance_id) DO NOTHING",
            new { kind = kind.Descriptor.Name, recordId, instanceId, role, now = DateTimeOffset.UtcNow }, transaction));

    /// <summary>
    /// A page of records: <paramref name="filters"/> by field (a value or a comma-separated list of values), text
    /// <paramref name="search"/> in number, title and text fields, <paramref name="sort"/> by a field (<c>-</c> for
    /// descending; newest first by default). Only records the viewer may see are listed. Unknown names are refused before
    /// any SQL is built.
    /// </summary>
    public async Task<RecordPage> ListAsync(RecordKind kind, RecordListQuery query, Viewer viewer, CancellationToken ct = default)
    {
        var d = kind.Descriptor;
        var parameters = new DynamicParameters();
        var where = new List<string> { RecordAccess.Condition(d, viewer, parameters) };
        var i = 0;
        foreach (var (name, value) in query.Filters)
        {
            var column = FilterColumn(d, name) ?? throw new ArgumentException($"Cannot filter by '{name}'.", nameof(query));
            var values = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var field = d.Field(name);
            if (field?.Type == RecordFieldType.Boolean)
            {
                where.Add($"{column} = @p{i}");
                parameters.Add($"p{i}", values.FirstOrDefault() == "true");
            }
            else
            {
                where.Add(Sql.InList(column, $"p{i}"));
                parameters.Add($"p{i}", values);
            }
            i++;
        }
        if (query.Search is { Length: > MaxSearchLength })
            throw new ArgumentException($"A search may be at most {MaxSearchLength} characters; this one has {query.Search.Length}.", nameof(query));
        var searching = !string.IsNullOrWhiteSpace(query.Search);
        if (searching)
        {
            where.Add(Sql.Like($"({SearchText(d)})", "search"));
            parameters.Add("search", SqlDialect.Contains(query.Search!.Trim()));
        }
        var whereSql = " WHERE " + string.Join(" AND ", where);
        var (sortColumn, descending) = SortColumn(d, query.Sort);
        var order = $" ORDER BY {sortColumn} {(descending ? "DESC" : "ASC")}, id {(descending ? "DESC" : "ASC")}";
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(query.Page, 1);
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (page - 1) * pageSize);

        await using var connection = await connections.OpenAsync(ct);
        if (searching)
            return await SearchPageAsync(connection, kind, whereSql, sortColumn, descending, parameters, page, pageSize, ct);

        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT COUNT(*) FROM {d.Table}{whereSql}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync(new CommandDefinition(
            $"SELECT {AllColumns(d)} FROM {d.Table}{whereSql}{order} LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: ct));
        return new RecordPage(rows.Select(r => Describe(kind, ToRow(kind, (IDictionary<string, object?>)r))).ToList(), total, page, pageSize);
    }

    /// <summary>
    /// A page of a text search. The matches are read once, up to one more than <see cref="MaxSearchCount"/>, as ids in
    /// the list's order: when that is all of them, they give the exact count and the page's ids, and only the page's rows
    /// are read. Beyond that the count is "more than 1,000", and so many matches are dense enough that reading the
    /// records in the list's order and stopping at the page is cheaper than gathering every match to sort it, which
    /// PostgreSQL's planner, guessing a handful of trigram matches, would otherwise do.
    /// </summary>
    private async Task<RecordPage> SearchPageAsync(DbConnection connection, RecordKind kind, string whereSql, string sortColumn, bool descending,
        DynamicParameters parameters, int page, int pageSize, CancellationToken ct)
    {
        var d = kind.Descriptor;
        var direction = descending ? "DESC" : "ASC";
        var order = $" ORDER BY {sortColumn} {direction}, id {direction}";
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            $"WITH matches AS MATERIALIZED (SELECT id, {sortColumn} AS sort_key FROM {d.Table}{whereSql} LIMIT {MaxSearchCount + 1}) " +
            $"SELECT id FROM matches ORDER BY sort_key {direction}, id {direction}",
            parameters, cancellationToken: ct))).ToList();

        if (ids.Count <= MaxSearchCount)
        {
            var pageIds = ids.Skip((page - 1) * pageSize).Take(pageSize).ToList();
            var position = pageIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
            var pageRows = pageIds.Count == 0
                ? []
                : await connection.QueryAsync(new CommandDefinition(
                    $"SELECT {AllColumns(d)} FROM {d.Table} WHERE {Sql.InList("id", "ids")}", new { ids = pageIds }, cancellationToken: ct));
            var items = pageRows.Select(r => ToRow(kind, (IDictionary<string, object?>)r)).OrderBy(r => position[r.Id]).Select(r => Describe(kind, r)).ToList();
            return new RecordPage(items, ids.Count, page, pageSize);
        }

        var select = $"SELECT {AllColumns(d)} FROM {d.Table}{whereSql}{order} LIMIT @limit OFFSET @offset";
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (Sql.PreferIndexOrder is { } preferIndexOrder)
            await connection.ExecuteAsync(new CommandDefinition(preferIndexOrder, transaction: transaction, cancellationToken: ct));
        var rows = (await connection.QueryAsync(new CommandDefinition(select, parameters, transaction, cancellationToken: ct))).ToList();
        await transaction.CommitAsync(ct);
        return new RecordPage(rows.Select(r => Describe(kind, ToRow(kind, (IDictionary<string, object?>)r))).ToList(), MaxSearchCount, page, pageSize,
            TotalExact: false);
    }

    /// <summary>Every change of the record, oldest first, or null when there is no such record the viewer may see.</summary>
    public async Task<IReadOnlyList<RecordHistoryEntry>?> HistoryAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await ReadRowAsync(connection, null, Sql, kind, idOrNumber, forUpdate: false, viewer);
        if (row is null)
            return null;
        var entries = await connection.QueryAsync<HistoryRow>(new CommandDefinition(
            "SELECT at AS At, actor AS Actor, field AS Field, old_value AS Old, new_value AS New FROM record_history " +
            "WHERE record_kind = @kind AND record_id = @id ORDER BY at, id",
            new { kind = kind.Descriptor.Name, id = row.Id }, cancellationToken: ct));
        return entries.Select(e => new RecordHistoryEntry(e.At, e.Actor, e.Field, e.Old, e.New)).ToList();
    }

    /// <summary>The names a list may be filtered by: state and the kind's filterable fields.</summary>
    public static IEnumerable<string> FilterNames(RecordKind kind) =>
        kind.Descriptor.Fields.Where(f => f.Filterable).Select(f => f.Name).Prepend(RecordChange.State.Name);

    /// <summary>The names a list may be sorted by.</summary>
    public static IEnumerable<string> SortNames(RecordKind kind) => SortColumns(kind.Descriptor).Select(s => s.Name);

    /// <summary>What a list sorts by, by name: the shared columns, then every field but long text.</summary>
    private static IEnumerable<(string Name, string Column)> SortColumns(RecordKindDescriptor d) =>
        new[] { ("number", "number"), ("title", "title"), ("state", "state"), ("createdAt", "created_at"), ("updatedAt", "updated_at") }
            .Concat(d.Fields.Where(f => f.Type != RecordFieldType.LongText).Select(f => (f.Name, f.Column)));

    private static string? FilterColumn(RecordKindDescriptor d, string name) =>
        name == RecordChange.State.Name ? "state" : d.Field(name) is { Filterable: true } field ? field.Column : null;

    private static (string Column, bool Descending) SortColumn(RecordKindDescriptor d, string? sort)
    {
        if (string.IsNullOrWhiteSpace(sort))
            return ("created_at", true);
        var descending = sort.StartsWith('-');
        var name = sort.TrimStart('-', '+');
        var column = SortColumns(d).Where(s => s.Name == name).Select(s => s.Column).FirstOrDefault();
        return (column ?? throw new ArgumentException($"Cannot sort by '{name}'.", nameof(sort)), descending);
    }

    private static DynamicParameters Parameters(SqlDialect sql, RecordKind kind, IDictionary<string, object?> values)
    {
        var parameters = new DynamicParameters();
        parameters.Add("title", values[RecordChange.Title.Name]);
        parameters.Add("state", values[RecordChange.State.Name]);
        var fields = kind.Descriptor.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var value = values[fields[i].Name];
            // SQLite keeps flags as 0/1; PostgreSQL as boolean.
            if (fields[i].Type == RecordFieldType.Boolean)
                value = sql.Provider == Engine.Storage.StorageProvider.Sqlite ? (value is true ? 1 : 0) : value is true;
            parameters.Add($"f{i}", value);
        }
        return parameters;
    }

    private static readonly string[] HistoryColumns = ["id", "record_kind", "record_id", "at", "actor", "field", "old_value", "new_value"];

    /// <summary>Writes the change's history lines in one statement; answers them as written.</summary>
    private static async Task<IReadOnlyList<RecordFieldChange>> WriteHistoryAsync(DbConnection connection, DbTransaction transaction, RecordKind kind,
        string id, DateTimeOffset at, string actor, IReadOnlyList<string> changed, IReadOnlyDictionary<string, object?>? before,
        IDictionary<string, object?> after, CancellationToken ct)
    {
        if (changed.Count == 0)
            return [];
        // One statement for the whole change: its lines keep their order through their time-ordered ids.
        var lines = changed.Select(field => new RecordFieldChange(at, field, Text(before?.GetValueOrDefault(field)), Text(after[field]))).ToList();
        var (sql, parameters) = MultiRowInsert.Of("record_history", HistoryColumns,
            lines.Select(line => new object?[] { Guid.CreateVersion7().ToString("N"), kind.Descriptor.Name, id, at, actor, line.Field, line.Old, line.New }));
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct));
        return lines;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        double n => n.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static async Task<RecordRow?> ReadRowAsync(DbConnection connection, DbTransaction? transaction, SqlDialect sql, RecordKind kind,
        string idOrNumber, bool forUpdate, Viewer? viewer = null)
    {
        var d = kind.Descriptor;
        var column = idOrNumber.StartsWith(d.NumberPrefix + "-", StringComparison.OrdinalIgnoreCase) ? "number" : "id";
        var parameters = new DynamicParameters(new { key = column == "number" ? idOrNumber.ToUpperInvariant() : idOrNumber });
        var access = viewer is null ? "" : " AND " + RecordAccess.Condition(d, viewer, parameters);
        var row = await connection.QueryFirstOrDefaultAsync(new CommandDefinition(
            $"SELECT {AllColumns(d)} FROM {d.Table} WHERE {column} = @key{access}{(forUpdate ? sql.ForUpdate() : "")}",
            parameters, transaction));
        return row is null ? null : ToRow(kind, (IDictionary<string, object?>)row);
    }

    private static RecordRow ToRow(RecordKind kind, IDictionary<string, object?> row)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["title"] = row["title"] as string,
            ["state"] = row["state"] as string,
        };
        foreach (var field in kind.Descriptor.Fields)
            values[field.Name] = row[field.Column] switch
            {
                null or DBNull => null,
                var v when field.Type == RecordFieldType.Boolean => Convert.ToInt64(v is bool b ? (b ? 1 : 0) : v, CultureInfo.InvariantCulture) != 0,
                var v when field.Type == RecordFieldType.Number => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                var v when field.Type == RecordFieldType.DateTime => DapperSetup.Read(v),
                var v => v.ToString(),
            };
        return new RecordRow(
            (string)row["id"]!, (string)row["number"]!, Convert.ToInt32(row["revision"], CultureInfo.InvariantCulture),
            DapperSetup.Read(row["created_at"]!), (string)row["created_by"]!, DapperSetup.Read(row["updated_at"]!), (string)row["updated_by"]!,
            values);
    }

    private static JsonObject Describe(RecordKind kind, RecordRow row)
    {
        var record = new JsonObject
        {
            ["kind"] = kind.Descriptor.Name,
            ["id"] = row.Id,
            ["number"] = row.Number,
        };
        foreach (var (name, value) in row.Values)
            record[name] = value switch
            {
                null => null,
                bool b => b,
                double n => n,
                DateTimeOffset at => at,
                _ => (string)value,
            };
        record["revision"] = row.Revision;
        record["createdAt"] = row.CreatedAt;
        record["createdBy"] = row.CreatedBy;
        record["updatedAt"] = row.UpdatedAt;
        record["updatedBy"] = row.UpdatedBy;
        return record;
    }

    private static async Task<JsonObject> DescribeAsync(DbConnection connection, DbTransaction? transaction, RecordKind kind, RecordRow row)
    {
        var record = Describe(kind, row);
        var instances = await connection.QueryAsync<(string Id, string ValueStreamId, int Version, string Status)>(
            "SELECT i.id, i.value_stream_id, i.version, i.status FROM record_instances r JOIN instances i ON i.id = r.instance_id " +
            "WHERE r.record_kind = @kind AND r.record_id = @id ORDER BY r.created_at",
            new { kind = kind.Descriptor.Name, id = row.Id }, transaction);
        record["instances"] = new JsonArray(instances
            .Select(i => (JsonNode)new JsonObject { ["id"] = i.Id, ["valueStreamId"] = i.ValueStreamId, ["version"] = i.Version, ["status"] = i.Status })
            .ToArray());
        return record;
    }

    private sealed record RecordRow(
        string Id, string Number, int Revision, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy,
        IReadOnlyDictionary<string, object?> Values);

    private sealed class HistoryRow
    {
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Field { get; init; } = "";
        public string? Old { get; init; }
        public string? New { get; init; }
    }
}

/// <summary>What a record list asks for.</summary>
public sealed record RecordListQuery(IReadOnlyDictionary<string, string> Filters, string? Search, string? Sort, int Page = 1, int PageSize = 50);
