using ValueStreams.Data.Records.ConfigurationItems;
using ValueStreams.Designer.Records;

namespace ValueStreams.Host.Features.Records.ConfigurationItems;

/// <summary>A configuration item page's relationships and impact, over the repository the API uses.</summary>
public sealed class ConfigurationItemDeskAdapter(ConfigurationItemRelationships relationships) : IConfigurationItemDesk
{
    public async Task<IReadOnlyList<CiRelationshipLine>> RelationshipsAsync(string ciId, CancellationToken cancellationToken = default) =>
        (await relationships.ListAsync(ciId, cancellationToken))
            .Select(r => new CiRelationshipLine(r.Type, r.Direction, r.Ci.Number, r.Ci.Title, r.Ci.State)).ToList();

    public async Task<IReadOnlyList<CiImpactLine>> ImpactAsync(string ciId, CancellationToken cancellationToken = default) =>
        await relationships.FindAsync(ciId, cancellationToken) is { } failed
            ? (await relationships.ImpactAsync(failed, cancellationToken)).Select(i => new CiImpactLine(i.Number, i.Title, i.State, i.Depth, i.Path)).ToList()
            : [];
}
