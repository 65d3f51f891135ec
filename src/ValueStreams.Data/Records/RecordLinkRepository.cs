using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records;

/// <summary>One link as seen from a record: its type read from this side, and the record at the other end.</summary>
/// <param name="Direction"><c>outgoing</c> when the link starts at this record, else <c>incoming</c>.</param>
/// <param name="Field">The reference field that makes the link, or null for a link people drew.</param>
public sealed record RecordLink(string Type, string Label, string Direction, string? Field, JsonObject Record, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>What became of adding or removing a link.</summary>
public abstract record LinkWrite
{
    public sealed record Done(RecordLink? Link) : LinkWrite;
    public sealed record Invalid(string Field, string Message) : LinkWrite;
    public sealed record NotFound : LinkWrite;
}

/// <summary>
/// Typed links between records, both ways. People draw links of the <see cref="RecordLinkType"/>s; a record's reference
/// fields (an incident's configuration item) are links too, kept here whenever the field is written, so one indexed
/// table answers "what links here" for every kind. A link to a record the viewer may not see is left out.
/// </summary>
public sealed class RecordLinkRepository(ConnectionFactory connections)
{
    /// <summary>
    /// Checks that every reference field the change writes names an existing record, by id or number, and stores its
    /// number. Fields that point to a kind the catalogue does not hold are kept as written.
    /// </summary>
    internal static async Task<List<RecordFieldError>> ResolveReferencesAsync(DbConnection connection, DbTransaction transaction, RecordKind kind,
        IDictionary<string, object?> values, IEnumerable<string> changed)
    {
        var errors = new List<RecordFieldError>();
        foreach (var field in kind.Descriptor.Fields.Where(f => f.Type == RecordFieldType.Reference && changed.Contains(f.Name)))
        {
            if (values[field.Name] is not string value)
                continue;
            if (field.RecordKind is { } named)
            {
                // A kind the catalogue does not hold is kept as written.
                if (RecordKindCatalogue.Find(named) is not { } target)
                    continue;
                if (await FindAsync(connection, transaction, target, value) is { } found)
                    values[field.Name] = found.Number;
                else
                    errors.Add(new RecordFieldError(field.Name, $"There is no {target.Descriptor.Title.ToLowerInvariant()} '{RecordChange.Clip(value)}'."));
            }
            else if (await FindAnyAsync(connection, transaction, value) is { } any)
                values[field.Name] = any;
            else
                errors.Add(new RecordFieldError(field.Name, $"'{field.Name}' must name an existing record by its number (such as INC-000123) or id; '{RecordChange.Clip(value)}' is neither."));
        }
        return errors;
    }

    /// <summary>The number of the record of any kind with this number or id, or null.</summary>
    private static async Task<string?> FindAnyAsync(DbConnection connection, DbTransaction transaction, string numberOrId)
    {
        if (RecordLinkType.KindOfNumber(numberOrId) is { } kind)
            return (await FindAsync(connection, transaction, kind, numberOrId))?.Number;
        if (numberOrId.Length > 64)
            return null;
        // Ids are unique across kinds: look for it in each kind's table by its key.
        foreach (var any in RecordKindCatalogue.All)
            if (await FindAsync(connection, transaction, any, numberOrId) is { } found)
                return found.Number;
        return null;
    }

    /// <summary>Makes the record's field links match its reference fields.</summary>
    internal static async Task KeepFieldLinksAsync(DbConnection connection, DbTransaction transaction, RecordKind kind, string id,
        IDictionary<string, object?> values, IEnumerable<string> changed, string actor, DateTimeOffset now)
    {
        var d = kind.Descriptor;
        foreach (var field in d.Fields.Where(f => f.Type == RecordFieldType.Reference && changed.Contains(f.Name)))
        {
            var type = RecordLinkType.OfField(field);
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM record_links WHERE from_kind = @kind AND from_id = @id AND link_type = @type",
                new { kind = d.Name, id, type }, transaction));
            if (values[field.Name] is not string number || RecordLinkType.KindOfNumber(number) is not { } target)
                continue;
            if (await FindAsync(connection, transaction, target, number) is not { } found)
                continue;
            await InsertAsync(connection, transaction, d.Name, id, type, target.Descriptor.Name, found.Id, actor, now);
        }
    }

    /// <summary>The record's links both ways, or null when there is no such record the viewer may see.</summary>
    public async Task<IReadOnlyList<RecordLink>?> ListAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        if (await RecordRepository.LocateAsync(connection, null, kind, idOrNumber, viewer) is not { } record)
            return null;
        var rows = (await connection.QueryAsync<LinkRow>(new CommandDefinition(
            "SELECT 'outgoing' AS Direction, link_type AS Type, to_kind AS Kind, to_id AS Id, created_at AS CreatedAt, created_by AS CreatedBy " +
            "FROM record_links WHERE from_kind = @kind AND from_id = @id " +
            "UNION ALL SELECT 'incoming', link_type, from_kind, from_id, created_at, created_by " +
            "FROM record_links WHERE to_kind = @kind AND to_id = @id",
            new { kind = kind.Descriptor.Name, id = record.Id }, cancellationToken: ct))).ToList();

        var seen = new Dictionary<(string Kind, string Id), JsonObject>();
        foreach (var group in rows.GroupBy(r => r.Kind))
            if (RecordKindCatalogue.Find(group.Key) is { } other)
                foreach (var (id, summary) in await SummariesAsync(connection, connections.Dialect, other, group.Select(r => r.Id).Distinct().ToList(), viewer, ct))
                    seen[(group.Key, id)] = summary;

        return rows.Where(r => seen.ContainsKey((r.Kind, r.Id)))
            .Select(r => Describe(kind, r, seen[(r.Kind, r.Id)]))
            .OrderBy(l => l.Field is null).ThenBy(l => l.CreatedAt)
            .ToList();
    }

    /// <summary>
    /// The records a value stream instance works on, in the order it first touched them, each with its role
    /// (<c>started</c>, <c>created</c>, <c>updated</c>, <c>read</c>). Whoever may see the instance sees these.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> OfInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = (await connection.QueryAsync<(string Kind, string Id, string Role)>(new CommandDefinition(
            "SELECT record_kind, record_id, role FROM record_instances WHERE instance_id = @instanceId ORDER BY created_at, record_kind, record_id",
            new { instanceId }, cancellationToken: ct))).ToList();
        var summaries = new Dictionary<(string Kind, string Id), JsonObject>();
        foreach (var group in rows.GroupBy(r => r.Kind))
            if (RecordKindCatalogue.Find(group.Key) is { } kind)
                foreach (var (id, summary) in await SummariesAsync(connection, connections.Dialect, kind, group.Select(r => r.Id).ToList(), null, ct))
                    summaries[(group.Key, id)] = summary;
        return rows.Where(r => summaries.ContainsKey((r.Kind, r.Id))).Select(r =>
        {
            var record = summaries[(r.Kind, r.Id)];
            record["role"] = r.Role;
            return record;
        }).ToList();
    }

    /// <summary>Draws a link of <paramref name="type"/> from the record to the record numbered <paramref name="target"/>.</summary>
    public async Task<LinkWrite> AddAsync(RecordKind kind, string idOrNumber, string? type, string? target, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var checkedLink = await CheckAsync(connection, transaction, kind, idOrNumber, type, target, viewer);
        if (checkedLink is not Checked(var from, var linkType, var to, var toKind))
            return (LinkWrite)checkedLink;
        var exists = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM record_links WHERE from_kind = @fromKind AND from_id = @fromId AND link_type = @type AND to_kind = @toKind AND to_id = @toId",
            new { fromKind = kind.Descriptor.Name, fromId = from, type = linkType.Name, toKind = toKind.Descriptor.Name, toId = to.Id }, transaction));
        if (exists > 0)
            return new LinkWrite.Invalid("target", $"The record is already {linkType.Label} {to.Number}.");
        var now = DateTimeOffset.UtcNow;
        await InsertAsync(connection, transaction, kind.Descriptor.Name, from, linkType.Name, toKind.Descriptor.Name, to.Id, viewer.Username, now);
        await transaction.CommitAsync(ct);
        var summary = (await SummariesAsync(connection, connections.Dialect, toKind, [to.Id], null, ct))[to.Id];
        return new LinkWrite.Done(new RecordLink(linkType.Name, linkType.Label, "outgoing", null, summary, now, viewer.Username));
    }

    /// <summary>Removes a link people drew from the record (reference fields change with the field).</summary>
    public async Task<LinkWrite> RemoveAsync(RecordKind kind, string idOrNumber, string? type, string? target, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var checkedLink = await CheckAsync(connection, transaction, kind, idOrNumber, type, target, viewer);
        if (checkedLink is not Checked(var from, var linkType, var to, var toKind))
            return (LinkWrite)checkedLink;
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM record_links WHERE from_kind = @fromKind AND from_id = @fromId AND link_type = @type AND to_kind = @toKind AND to_id = @toId",
            new { fromKind = kind.Descriptor.Name, fromId = from, type = linkType.Name, toKind = toKind.Descriptor.Name, toId = to.Id }, transaction));
        await transaction.CommitAsync(ct);
        return removed == 0 ? new LinkWrite.NotFound() : new LinkWrite.Done(null);
    }

    private sealed record Checked(string FromId, RecordLinkType Type, (string Id, string Number) To, RecordKind ToKind);

    /// <summary>The link's ends and type, or what is wrong with them (as a <see cref="LinkWrite"/>).</summary>
    private static async Task<object> CheckAsync(DbConnection connection, DbTransaction transaction, RecordKind kind, string idOrNumber,
        string? type, string? target, Viewer viewer)
    {
        if (await RecordRepository.LocateAsync(connection, transaction, kind, idOrNumber, viewer) is not { } from)
            return new LinkWrite.NotFound();
        if (type is null || RecordLinkType.Find(type) is not { } linkType)
            return new LinkWrite.Invalid("type", $"'type' must be one of {string.Join(", ", RecordLinkType.All.Select(t => t.Name))}.");
        if (string.IsNullOrWhiteSpace(target) || target.Length > 100 || RecordLinkType.KindOfNumber(target) is not { } toKind)
            return new LinkWrite.Invalid("target", "'target' must be the number of the record to link to, such as INC-000123.");
        if (await FindAsync(connection, transaction, toKind, target, viewer) is not { } to)
            return new LinkWrite.Invalid("target", $"There is no {toKind.Descriptor.Title.ToLowerInvariant()} '{RecordChange.Clip(target)}'.");
        if (to.Id == from.Id)
            return new LinkWrite.Invalid("target", "A record cannot be linked to itself.");
        return new Checked(from.Id, linkType, to, toKind);
    }

    private static async Task<(string Id, string Number)?> FindAsync(DbConnection connection, DbTransaction? transaction, RecordKind kind, string idOrNumber,
        Viewer? viewer = null) =>
        await RecordRepository.LocateAsync(connection, transaction, kind, idOrNumber, viewer);

    private static Task InsertAsync(DbConnection connection, DbTransaction transaction, string fromKind, string fromId, string type, string toKind,
        string toId, string actor, DateTimeOffset now) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO record_links (from_kind, from_id, link_type, to_kind, to_id, created_at, created_by) " +
            "VALUES (@fromKind, @fromId, @type, @toKind, @toId, @now, @actor)",
            new { fromKind, fromId, type, toKind, toId, now, actor }, transaction));

    /// <summary>Number, title and state of the records of one kind the viewer may see, by id.</summary>
    private static async Task<Dictionary<string, JsonObject>> SummariesAsync(DbConnection connection, SqlDialect sql, RecordKind kind,
        IReadOnlyList<string> ids, Viewer? viewer, CancellationToken ct)
    {
        var d = kind.Descriptor;
        var parameters = new DynamicParameters(new { ids });
        var access = viewer is null ? "1 = 1" : RecordAccess.Condition(d, viewer, parameters);
        var rows = await connection.QueryAsync<(string Id, string Number, string Title, string State)>(new CommandDefinition(
            $"SELECT id, number, title, state FROM {d.Table} WHERE {sql.InList("id", "ids")} AND {access}", parameters, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => new JsonObject
        {
            ["kind"] = d.Name, ["collection"] = d.Collection, ["id"] = r.Id, ["number"] = r.Number, ["title"] = r.Title, ["state"] = r.State,
        });
    }

    /// <summary>A stored link as <paramref name="self"/> sees it: people's links by their type, reference fields by the field's label.</summary>
    private static RecordLink Describe(RecordKind self, LinkRow row, JsonObject record)
    {
        var outgoing = row.Direction == "outgoing";
        if (row.Type.StartsWith(RecordLinkType.FieldPrefix, StringComparison.Ordinal))
        {
            var name = row.Type[RecordLinkType.FieldPrefix.Length..];
            // Going out, the field is this record's; coming in, it is the other record's field that names this one.
            var owner = outgoing ? self : RecordKindCatalogue.Find(row.Kind);
            var field = owner?.Descriptor.Field(name)?.Label ?? name;
            var label = outgoing ? field : $"{field} of {owner?.Descriptor.WithArticle ?? row.Kind}";
            return new RecordLink(row.Type, label, row.Direction, name, record, row.CreatedAt, row.CreatedBy);
        }
        var type = RecordLinkType.Find(row.Type);
        return new RecordLink(row.Type, type is null ? row.Type : outgoing ? type.Label : type.ReverseLabel, row.Direction, null, record,
            row.CreatedAt, row.CreatedBy);
    }


    private sealed class LinkRow
    {
        public string Direction { get; init; } = "";
        public string Type { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Id { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public string CreatedBy { get; init; } = "";
    }
}
