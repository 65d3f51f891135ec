using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Identity;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Catalogue;

public static class CatalogueEndpoints
{
    /// <summary>What <c>GET /api/catalogue</c> returns.</summary>
    public sealed record CatalogueResponse(
        IReadOnlyList<ValueChainActivity> ValueChainActivities,
        IReadOnlyList<PracticeGroup> PracticeGroups,
        IReadOnlyList<Practice> Practices);

    public static void MapCatalogueEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/catalogue", (ItilCatalogue catalogue) =>
                TypedResults.Ok(new CatalogueResponse(catalogue.ValueChainActivities, catalogue.PracticeGroups, catalogue.Practices)))
            .WithAccess(Access.SignedIn)
            .WithTags("Catalogue")
            .WithSummary("The ITIL 4 value chain activities and the 34 practices with their heat levels");
    }
}
