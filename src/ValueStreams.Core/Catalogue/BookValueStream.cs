namespace ValueStreams.Core.Catalogue;

/// <summary>One of the book's example value streams (Appendix A), e.g. "A.1.1" incident resolution.</summary>
public sealed record BookValueStream(string Id, string Source, string Title, IReadOnlyList<BookStep> Steps)
{
    /// <summary>
    /// The book's heat for this stream in each value chain activity it passes through: the highest heat (0–3) any practice
    /// the book names for a step in that activity has there.
    /// </summary>
    public IReadOnlyDictionary<string, int> ActivityHeat(ItilCatalogue catalogue) =>
        StepPairs(catalogue)
            .GroupBy(pair => pair.Activity, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(pair => pair.Heat), StringComparer.Ordinal);

    /// <summary>
    /// The book's heat for this stream of each practice it names: the highest heat (0–3) the practice has in the activities
    /// of the steps that name it.
    /// </summary>
    public IReadOnlyDictionary<string, int> PracticeHeat(ItilCatalogue catalogue) =>
        StepPairs(catalogue)
            .Where(pair => pair.Practice is not null)
            .GroupBy(pair => pair.Practice!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(pair => pair.Heat), StringComparer.Ordinal);

    private IEnumerable<(string Activity, string? Practice, int Heat)> StepPairs(ItilCatalogue catalogue) =>
        Steps.SelectMany(step => step.ValueChainActivities.SelectMany(activity => step.Practices.Count == 0
            ? [(activity, (string?)null, 0)]
            : step.Practices.Select(practice => (activity, (string?)practice, catalogue.FindPractice(practice)?.HeatFor(activity) ?? 0))));
}

/// <summary>A step of a book stream: demand, activity or value, with the activities and practices the book gives it.</summary>
public sealed record BookStep(int N, string Kind, IReadOnlyList<string> ValueChainActivities, IReadOnlyList<string> Practices);
