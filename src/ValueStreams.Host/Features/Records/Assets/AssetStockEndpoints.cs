using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Records.Assets;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Records.Assets;

/// <summary>
/// Spare stock: <c>/api/assets/stock-levels</c>, the reorder threshold and quantity per model and location that admins
/// set, and <c>/api/assets/stock</c>, the in-stock count per model and location against them.
/// </summary>
public static class AssetStockEndpoints
{
    public static void MapAssetStockEndpoints(this RouteGroupBuilder api)
    {
        var assets = api.MapGroup("/assets").WithTags("Records");

        assets.MapGet("/stock-levels", async (AssetStock stock, CancellationToken ct) => TypedResults.Ok(await stock.LevelsAsync(ct)))
            .WithAccess(Access.Agent)
            .WithSummary("The spare stock levels: [{model, location, reorderThreshold, reorderQuantity}]");

        assets.MapPut("/stock-levels", async (JsonObject? body, AssetStock stock, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<FieldError>();
                var model = Text(body, "model", errors);
                var location = Text(body, "location", errors);
                var threshold = Count(body, "reorderThreshold", errors);
                var quantity = Count(body, "reorderQuantity", errors);
                if (quantity == 0)
                    errors.Add(new FieldError("reorderQuantity", "'reorderQuantity' must be at least 1."));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The stock level was not saved.", errors);
                var level = new StockLevel(model!, location!, threshold!.Value, quantity!.Value);
                await stock.SetLevelAsync(level, user.Identity?.Name ?? "unknown", ct);
                return TypedResults.Ok(level);
            })
            .WithAccess(Access.Admin)
            .WithSummary("Set the spare stock level of a model at a location: {model, location, reorderThreshold, reorderQuantity}; below the threshold a reorder of the quantity is raised as a service request");

        assets.MapDelete("/stock-levels", async (string model, string location, AssetStock stock, CancellationToken ct) =>
                await stock.DeleteLevelAsync(model, location, ct)
                    ? TypedResults.NoContent()
                    : ApiProblem.Status(StatusCodes.Status404NotFound, "There is no stock level for that model and location."))
            .WithAccess(Access.Admin)
            .WithSummary("Remove the stock level of a model at a location: ?model=&location=");

        assets.MapGet("/stock", async (string? model, string? location, AssetStock stock, CancellationToken ct) =>
                TypedResults.Ok(await stock.CountAsync(Blank(model), Blank(location), ct)))
            .WithAccess(Access.Agent)
            .WithSummary("Spare stock per model and location (?model=&location= narrow it): [{model, location, inStock, reorderThreshold, reorderQuantity, belowThreshold, openReorder}]");
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Text(JsonObject? body, string name, List<FieldError> errors)
    {
        if (body?[name] is JsonValue v && v.TryGetValue<string>(out var text) && text.Trim() is { Length: > 0 and <= 200 } trimmed)
            return trimmed;
        errors.Add(new FieldError(name, $"'{name}' must be text of 1 to 200 characters."));
        return null;
    }

    private static int? Count(JsonObject? body, string name, List<FieldError> errors)
    {
        if (body?[name] is JsonValue v && v.TryGetValue<int>(out var count) && count is >= 0 and <= 100_000)
            return count;
        errors.Add(new FieldError(name, $"'{name}' must be a whole number from 0 to 100000."));
        return null;
    }
}
