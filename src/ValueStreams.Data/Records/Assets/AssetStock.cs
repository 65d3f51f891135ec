using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.Records.Assets;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records.Assets;

/// <summary>The spare stock level an admin set for a model at a location: below the threshold, the quantity is reordered.</summary>
public sealed record StockLevel(string Model, string Location, int ReorderThreshold, int ReorderQuantity);

/// <summary>
/// Spare stock of one model at one location: how many assets are in stock, the level set for it (if any), whether it is
/// below the threshold, and the reorder raised for it while that is open.
/// </summary>
public sealed record StockCount(string Model, string Location, int InStock, int? ReorderThreshold, int? ReorderQuantity, bool BelowThreshold,
    string? OpenReorder);

/// <summary>Spare stock: the levels admins set per model and location, and the in-stock assets counted against them.</summary>
public sealed class AssetStock(ConnectionFactory connections)
{
    /// <summary>Every stock level, by model and location.</summary>
    public async Task<IReadOnlyList<StockLevel>> LevelsAsync(CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Model, string Location, long Threshold, long Quantity)>(new CommandDefinition(
            "SELECT model, location, reorder_threshold, reorder_quantity FROM asset_stock_levels ORDER BY model, location", cancellationToken: ct));
        return rows.Select(r => new StockLevel(r.Model, r.Location, (int)r.Threshold, (int)r.Quantity)).ToList();
    }

    /// <summary>Sets the level for a model at a location, replacing the one it had.</summary>
    public async Task SetLevelAsync(StockLevel level, string actor, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO asset_stock_levels (model, location, reorder_threshold, reorder_quantity, updated_at, updated_by) " +
            "VALUES (@Model, @Location, @ReorderThreshold, @ReorderQuantity, @now, @actor) " +
            "ON CONFLICT (model, location) DO UPDATE SET reorder_threshold = @ReorderThreshold, reorder_quantity = @ReorderQuantity, " +
            "updated_at = @now, updated_by = @actor",
            new { level.Model, level.Location, level.ReorderThreshold, level.ReorderQuantity, now = DateTimeOffset.UtcNow, actor },
            cancellationToken: ct));
    }

    /// <summary>Removes the level for a model at a location; false when there was none.</summary>
    public async Task<bool> DeleteLevelAsync(string model, string location, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM asset_stock_levels WHERE model = @model AND location = @location", new { model, location }, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// Spare stock per model and location, for every model and location that has in-stock assets or a level, optionally
    /// of one model and/or one location.
    /// </summary>
    public async Task<IReadOnlyList<StockCount>> CountAsync(string? model, string? location, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var parameters = new { model, location, inStock = AssetKind.InStock };
        const string match = "(@model IS NULL OR model = @model) AND (@location IS NULL OR location = @location)";
        var counts = await connection.QueryAsync<(string Model, string Location, long Count)>(new CommandDefinition(
            "SELECT model, location, COUNT(*) FROM assets WHERE state = @inStock AND model IS NOT NULL AND location IS NOT NULL AND " +
            match + " GROUP BY model, location", parameters, cancellationToken: ct));
        var levels = await connection.QueryAsync<(string Model, string Location, long Threshold, long Quantity, string? OpenReorder)>(
            new CommandDefinition(
                "SELECT model, location, reorder_threshold, reorder_quantity, open_reorder FROM asset_stock_levels WHERE " + match,
                parameters, cancellationToken: ct));
        var byKey = counts.ToDictionary(c => (c.Model, c.Location), c => (int)c.Count);
        var result = new List<StockCount>();
        foreach (var level in levels)
        {
            var inStock = byKey.GetValueOrDefault((level.Model, level.Location));
            var open = level.OpenReorder is { } id ? await SpareStockReorder.OpenReorderAsync(connection, null, id) : null;
            result.Add(new StockCount(level.Model, level.Location, inStock, (int)level.Threshold, (int)level.Quantity, inStock < level.Threshold, open));
            byKey.Remove((level.Model, level.Location));
        }
        result.AddRange(byKey.Select(c => new StockCount(c.Key.Model, c.Key.Location, c.Value, null, null, false, null)));
        return result.OrderBy(c => c.Model, StringComparer.Ordinal).ThenBy(c => c.Location, StringComparer.Ordinal).ToList();
    }
}

/// <summary>
/// Raises a reorder when a spare leaves stock: after an asset moves out of in-stock (or to another model or location),
/// the in-stock count of its model at its location is compared with the level an admin set, and below the threshold a
/// service request for the reorder quantity is raised, in the same transaction; once, while that request is open.
/// </summary>
internal sealed class SpareStockReorder : IRecordWriteFollower
{
    /// <summary>The states of a reorder request that still count as open.</summary>
    private static readonly string[] OpenStates = ["new", "awaiting-approval", "approved", "in-fulfilment"];

    public async Task AfterUpdateAsync(RecordUpdated update, CancellationToken ct)
    {
        if (update.Before.GetValueOrDefault("state") as string != AssetKind.InStock
            || update.Before.GetValueOrDefault("model") is not string model || update.Before.GetValueOrDefault("location") is not string location)
            return;
        var stillThere = update.After["state"] as string == AssetKind.InStock
            && update.After["model"] as string == model && update.After["location"] as string == location;
        if (stillThere)
            return;

        var (connection, transaction) = (update.Connection, update.Transaction);
        var level = await connection.QueryFirstOrDefaultAsync<(long Threshold, long Quantity, string? OpenReorder)>(new CommandDefinition(
            "SELECT reorder_threshold, reorder_quantity, open_reorder FROM asset_stock_levels WHERE model = @model AND location = @location" +
            update.Sql.ForUpdate(), new { model, location }, transaction, cancellationToken: ct));
        if (level == default)
            return;
        var inStock = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM assets WHERE model = @model AND location = @location AND state = @inStock",
            new { model, location, inStock = AssetKind.InStock }, transaction, cancellationToken: ct));
        if (inStock >= level.Threshold || (level.OpenReorder is { } open && await OpenReorderAsync(connection, transaction, open) is not null))
            return;

        var kind = RecordKindCatalogue.Find("request")!;
        var change = RecordChange.Check(kind, null, new JsonObject
        {
            ["title"] = $"Reorder {level.Quantity} × {model} for {location}",
            ["description"] = string.Create(CultureInfo.InvariantCulture,
                $"Spare stock of {model} at {location} fell to {inStock}, below its reorder threshold of {level.Threshold}, when {update.Actor} took asset {update.After["assetTag"]} out of stock. Reorder {level.Quantity}."),
            ["approvalPolicy"] = "none",
        }, update.Settings);
        if (!change.IsValid)
            throw new InvalidOperationException("The reorder request was refused: " + string.Join("; ", change.Errors.Select(e => $"{e.Field}: {e.Message}")));
        if (await RecordRepository.InsertAsync(connection, transaction, update.Sql, kind, change, update.Actor, ct) is not RecordWrite.Written(var created))
            throw new InvalidOperationException("The reorder request was refused by the store's checks.");
        var id = (string)created["id"]!;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE asset_stock_levels SET open_reorder = @id WHERE model = @model AND location = @location",
            new { id, model, location }, transaction, cancellationToken: ct));
    }

    /// <summary>The number of a reorder request while it is open (not fulfilled, closed, cancelled or rejected), or null.</summary>
    internal static async Task<string?> OpenReorderAsync(DbConnection connection, DbTransaction? transaction, string requestId) =>
        await connection.QueryFirstOrDefaultAsync<(string Number, string State)>(new CommandDefinition(
            "SELECT number, state FROM requests WHERE id = @requestId", new { requestId }, transaction)) is var (number, state)
            && OpenStates.Contains(state) ? number : null;
}
