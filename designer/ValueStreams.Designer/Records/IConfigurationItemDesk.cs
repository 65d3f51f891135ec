namespace ValueStreams.Designer.Records;

/// <summary>What a configuration item's page shows besides its fields: its relationships and the impact of its failure.</summary>
public interface IConfigurationItemDesk
{
    /// <summary>The item's relationships, outgoing and incoming, with the item at the other end.</summary>
    Task<IReadOnlyList<CiRelationshipLine>> RelationshipsAsync(string ciId, CancellationToken cancellationToken = default);

    /// <summary>Every item impacted when this one fails, nearest first.</summary>
    Task<IReadOnlyList<CiImpactLine>> ImpactAsync(string ciId, CancellationToken cancellationToken = default);
}

/// <summary>A relationship as the page shows it: outgoing when the page's item is the source.</summary>
public sealed record CiRelationshipLine(string Type, string Direction, string Number, string Title, string State);

/// <summary>An impacted item, how many relationships away, and the numbers on the way from the failed item.</summary>
public sealed record CiImpactLine(string Number, string Title, string State, int Depth, IReadOnlyList<string> Path);
