using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Identity;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Records.ConfigurationItems;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Records.Assets;

namespace ValueStreams.Host.Features.Records.ConfigurationItems;

/// <summary>
/// A configuration item's relationships and impact: <c>/api/configuration-items/{id}/relationships</c> lists, adds and
/// removes them (agents), and <c>/api/configuration-items/{id}/impact</c> lists every item impacted when this one fails.
/// </summary>
public static class ConfigurationItemEndpoints
{
    /// <summary>Maps the endpoints configuration items and assets have besides the records API.</summary>
    public static void MapConfigurationAndAssetEndpoints(this RouteGroupBuilder api)
    {
        api.MapConfigurationItemEndpoints();
        api.MapAssetStockEndpoints();
    }

    private static void MapConfigurationItemEndpoints(this RouteGroupBuilder api)
    {
        var kind = RecordKindCatalogue.Find("configuration-item")!;
        var items = api.MapGroup("/configuration-items").WithTags("Records");

        items.MapGet("/{id}/relationships", async (string id, RecordRepository records, ConfigurationItemRelationships relationships,
                ClaimsPrincipal user, CancellationToken ct) =>
                await records.FindAsync(kind, id, user.ToViewer(), ct) is { } ci
                    ? TypedResults.Ok((await relationships.ListAsync(Id(ci), ct)).Select(Describe))
                    : NotFound(id))
            .WithAccess(Access.Agent)
            .WithSummary("The configuration item's relationships: [{id, type, direction: outgoing|incoming, ci: {id, number, title, state}}]");

        items.MapPost("/{id}/relationships", async (string id, JsonObject? body, RecordRepository records,
                ConfigurationItemRelationships relationships, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await records.FindAsync(kind, id, user.ToViewer(), ct) is not { } source)
                    return NotFound(id);
                var errors = new List<FieldError>();
                var type = Text(body, "type");
                var targetKey = Text(body, "target");
                if (type is null || !ConfigurationItemRelationships.Types.Contains(type))
                    errors.Add(new FieldError("type", $"'type' must be one of {string.Join(", ", ConfigurationItemRelationships.Types)}."));
                JsonObject? target = null;
                if (targetKey is null)
                    errors.Add(new FieldError("target", "'target' must be the id or number of a configuration item."));
                else if (targetKey.Length > 100 || (target = await records.FindAsync(kind, targetKey, user.ToViewer(), ct)) is null)
                    errors.Add(new FieldError("target", $"There is no configuration item '{RecordChange.Clip(targetKey)}'."));
                else if (Id(target) == Id(source))
                    errors.Add(new FieldError("target", "A configuration item cannot be related to itself."));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The relationship was not added.", errors);

                var (result, relationshipId) = await relationships.AddAsync(Id(source), Id(target!), type!, user.Identity?.Name ?? "unknown", ct);
                if (result == CiRelationshipAdded.Duplicate)
                    return ApiProblem.Validation("The relationship was not added.",
                        [new FieldError("target", $"{source["number"]} already {type} {target!["number"]}.")]);
                return TypedResults.Created($"/api/configuration-items/{Id(source)}/relationships/{relationshipId}",
                    Describe(new CiRelationship(relationshipId!, type!, "outgoing", Summary(target!))));
            })
            .WithAccess(Access.Agent)
            .WithSummary("Relate the item to another: {type: depends-on|runs-on|connected-to, target: id or number}; 400 for an unknown type or target, the item itself or a relationship it already has");

        items.MapDelete("/{id}/relationships/{relationshipId}", async (string id, string relationshipId, RecordRepository records,
                ConfigurationItemRelationships relationships, ClaimsPrincipal user, CancellationToken ct) =>
                await records.FindAsync(kind, id, user.ToViewer(), ct) is { } ci && await relationships.DeleteAsync(Id(ci), relationshipId, ct)
                    ? TypedResults.NoContent()
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"The configuration item '{RecordChange.Clip(id)}' has no relationship '{RecordChange.Clip(relationshipId)}'."))
            .WithAccess(Access.Agent)
            .WithSummary("Remove one of the item's relationships");

        items.MapGet("/{id}/impact", async (string id, RecordRepository records, ConfigurationItemRelationships relationships,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await records.FindAsync(kind, id, user.ToViewer(), ct) is not { } ci)
                    return NotFound(id);
                var failed = Summary(ci);
                var impacted = await relationships.ImpactAsync(failed, ct);
                return TypedResults.Ok(new
                {
                    ci = new { id = failed.Id, number = failed.Number, title = failed.Title, state = failed.State },
                    impacted = impacted.Select(i => new { id = i.Id, number = i.Number, title = i.Title, state = i.State, depth = i.Depth, path = i.Path }),
                    maxDepth = ConfigurationItemRelationships.MaxDepth,
                    truncated = impacted.Count >= ConfigurationItemRelationships.MaxImpacted,
                });
            })
            .WithAccess(Access.Agent)
            .WithSummary($"Every item impacted when this one fails (those that depend on or run on it, those connected to it, and so on, up to {ConfigurationItemRelationships.MaxDepth} away), nearest first, each with its depth and the numbers on the way");
    }

    private static object Describe(CiRelationship r) => new
    {
        id = r.Id, type = r.Type, direction = r.Direction,
        ci = new { id = r.Ci.Id, number = r.Ci.Number, title = r.Ci.Title, state = r.Ci.State },
    };

    private static CiSummary Summary(JsonObject ci) => new(Id(ci), (string)ci["number"]!, (string)ci["title"]!, (string)ci["state"]!);

    private static string Id(JsonObject record) => (string)record["id"]!;

    private static string? Text(JsonObject? body, string name) =>
        body?[name] is JsonValue v && v.TryGetValue<string>(out var text) && text.Trim().Length > 0 ? text.Trim() : null;


    private static IResult NotFound(string id) =>
        ApiProblem.Status(StatusCodes.Status404NotFound, $"There is no configuration-item '{RecordChange.Clip(id)}'.");
}
