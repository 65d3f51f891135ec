using System.Globalization;
using Dapper;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records.ConfigurationItems;

/// <summary>A configuration item as a relationship or the impact list shows it.</summary>
public sealed record CiSummary(string Id, string Number, string Title, string State);

/// <summary>A relationship seen from one item: outgoing when that item is the source (it depends on, runs on or is connected to the other).</summary>
public sealed record CiRelationship(string Id, string Type, string Direction, CiSummary Ci);

/// <summary>An item impacted when another fails, how many relationships away, and the numbers on the way from the failed item to it.</summary>
public sealed record CiImpact(string Id, string Number, string Title, string State, int Depth, IReadOnlyList<string> Path);

/// <summary>What became of adding a relationship.</summary>
public enum CiRelationshipAdded
{
    Added,
    Duplicate,
}

/// <summary>
/// The relationships between configuration items and the impact they give: an item that depends on or runs on another is
/// impacted when that one fails, and items connected to each other impact each other both ways.
/// </summary>
public sealed class ConfigurationItemRelationships(ConnectionFactory connections)
{
    /// <summary>The kinds of relationship.</summary>
    public static readonly IReadOnlyList<string> Types = ["depends-on", "runs-on", "connected-to"];

    /// <summary>How many relationships away the impact is followed.</summary>
    public const int MaxDepth = 20;

    /// <summary>The most items an impact list holds.</summary>
    public const int MaxImpacted = 500;

    /// <summary>The most rows the impact walk reads before it stops.</summary>
    private const int MaxWalkRows = 20_000;

    private const string Summary = "c.id AS Id, c.number AS Number, c.title AS Title, c.state AS State";

    /// <summary>A configuration item by its id, or null.</summary>
    public async Task<CiSummary?> FindAsync(string ciId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<CiSummary>(new CommandDefinition(
            $"SELECT {Summary} FROM configuration_items c WHERE c.id = @ciId", new { ciId }, cancellationToken: ct));
    }

    /// <summary>Every relationship of the item, outgoing and incoming, with the item at the other end.</summary>
    public async Task<IReadOnlyList<CiRelationship>> ListAsync(string ciId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<RelationshipRow>(new CommandDefinition(
            $"SELECT r.id AS RelationshipId, r.type AS Type, 'outgoing' AS Direction, {Summary}, r.created_at AS CreatedAt " +
            "FROM ci_relationships r JOIN configuration_items c ON c.id = r.target_id WHERE r.source_id = @ciId " +
            $"UNION ALL SELECT r.id, r.type, 'incoming', {Summary}, r.created_at " +
            "FROM ci_relationships r JOIN configuration_items c ON c.id = r.source_id WHERE r.target_id = @ciId " +
            "ORDER BY CreatedAt, RelationshipId",
            new { ciId }, cancellationToken: ct));
        return rows.Select(r => new CiRelationship(r.RelationshipId, r.Type, r.Direction, new CiSummary(r.Id, r.Number, r.Title, r.State))).ToList();
    }

    /// <summary>Adds a relationship from one item to another; the same relationship twice is a duplicate.</summary>
    public async Task<(CiRelationshipAdded Result, string? Id)> AddAsync(string sourceId, string targetId, string type, string actor,
        CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var existing = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM ci_relationships WHERE source_id = @sourceId AND target_id = @targetId AND type = @type",
            new { sourceId, targetId, type }, transaction, cancellationToken: ct));
        if (existing > 0)
            return (CiRelationshipAdded.Duplicate, null);
        var id = Guid.CreateVersion7().ToString("N");
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ci_relationships (id, source_id, target_id, type, created_at, created_by) " +
            "VALUES (@id, @sourceId, @targetId, @type, @now, @actor) ON CONFLICT (source_id, target_id, type) DO NOTHING",
            new { id, sourceId, targetId, type, now = DateTimeOffset.UtcNow, actor }, transaction, cancellationToken: ct));
        if (inserted == 0)
            return (CiRelationshipAdded.Duplicate, null);
        await transaction.CommitAsync(ct);
        return (CiRelationshipAdded.Added, id);
    }

    /// <summary>Removes one of the item's relationships (either end); false when the item has no such relationship.</summary>
    public async Task<bool> DeleteAsync(string ciId, string relationshipId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ci_relationships WHERE id = @relationshipId AND (source_id = @ciId OR target_id = @ciId)",
            new { ciId, relationshipId }, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// Every item impacted when the given one fails, nearest first: those that depend on or run on it, those connected
    /// to it, and so on up to <see cref="MaxDepth"/> relationships away; each once, at its shortest distance, with the
    /// numbers on one shortest way from the failed item. Cycles end where they come back.
    /// </summary>
    public async Task<IReadOnlyList<CiImpact>> ImpactAsync(CiSummary failed, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        // The walk keeps (item, depth, the item it came from) once each, so it is bounded by relationships × depth
        // whatever cycles the graph holds; the shortest way to each item is read from it below.
        var steps = await connection.QueryAsync<WalkRow>(new CommandDefinition(
            """
            WITH RECURSIVE edges (failed_id, impacted_id) AS (
                SELECT target_id, source_id FROM ci_relationships
                UNION ALL
                SELECT source_id, target_id FROM ci_relationships WHERE type = 'connected-to'
            ),
            walk (id, depth, via) AS (
                SELECT e.impacted_id, 1, e.failed_id FROM edges e WHERE e.failed_id = @root AND e.impacted_id <> @root
                UNION
                SELECT e.impacted_id, w.depth + 1, e.failed_id
                FROM walk w JOIN edges e ON e.failed_id = w.id
                WHERE w.depth < @maxDepth AND e.impacted_id <> @root
            )
            SELECT w.id AS Id, w.depth AS Depth, w.via AS Via, c.number AS Number, c.title AS Title, c.state AS State
            FROM walk w JOIN configuration_items c ON c.id = w.id
            ORDER BY w.depth, c.number
            LIMIT @maxRows
            """,
            new { root = failed.Id, maxDepth = MaxDepth, maxRows = MaxWalkRows }, cancellationToken: ct));

        var nearest = new Dictionary<string, WalkRow>(StringComparer.Ordinal);
        foreach (var step in steps)
            if (!nearest.ContainsKey(step.Id))
                nearest[step.Id] = step;
        return nearest.Values.Take(MaxImpacted)
            .Select(s => new CiImpact(s.Id, s.Number, s.Title, s.State, s.Depth, PathTo(s, failed, nearest)))
            .ToList();
    }

    /// <summary>The numbers from the failed item to this one, each step through an item one nearer.</summary>
    private static List<string> PathTo(WalkRow step, CiSummary failed, Dictionary<string, WalkRow> nearest)
    {
        var path = new List<string> { step.Number };
        var current = step;
        while (current.Via != failed.Id && nearest.TryGetValue(current.Via, out var previous) && previous.Depth < current.Depth)
        {
            path.Add(previous.Number);
            current = previous;
        }
        path.Add(failed.Number);
        path.Reverse();
        return path;
    }

    private sealed class RelationshipRow
    {
        public string RelationshipId { get; init; } = "";
        public string Type { get; init; } = "";
        public string Direction { get; init; } = "";
        public string Id { get; init; } = "";
        public string Number { get; init; } = "";
        public string Title { get; init; } = "";
        public string State { get; init; } = "";
    }

    private sealed class WalkRow
    {
        public string Id { get; init; } = "";
        public string Via { get; init; } = "";
        public string Number { get; init; } = "";
        public string Title { get; init; } = "";
        public string State { get; init; } = "";
        public int Depth { get; init; }
    }
}
