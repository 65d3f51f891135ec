using System.Text.Json;

namespace ValueStreams.Core.Catalogue;

/// <summary>
/// An ITIL 4 management practice with its contribution ("heat", 0–3) to each value chain activity.
/// A heat of <c>null</c> means the book's heatmap has no row for that activity.
/// </summary>
public sealed record Practice(
    string Id,
    string Name,
    string Group,
    string Section,
    string Purpose,
    IReadOnlyDictionary<string, int?> Heat,
    IReadOnlyList<string> Contributes,
    IReadOnlyList<string>? MainlyPerText,
    IReadOnlyList<string> Records,
    IReadOnlyList<string>? KeyActivities,
    IReadOnlyDictionary<string, JsonElement>? TypesAndStates,
    IReadOnlyList<string> Metrics,
    string? Notes)
{
    /// <summary>The practice's heat for an activity; 0 where the book gives none.</summary>
    public int HeatFor(string valueChainActivityId) =>
        Heat.TryGetValue(valueChainActivityId, out var heat) ? heat ?? 0 : 0;
}

/// <summary>General, service or technical management practices.</summary>
public sealed record PracticeGroup(string Id, string Name, int Count);
