using System.Text.Json;

namespace ValueStreams.Core.Catalogue;

/// <summary>
/// The ITIL 4 catalogue the product ships with: value chain activities, practice groups and the 34
/// practices. Read once from the embedded data file; immutable afterwards.
/// </summary>
public sealed class ItilCatalogue
{
    private const string ResourceName = "ValueStreams.Core.Catalogue.itil4-catalogue.json";

    private static readonly Lazy<ItilCatalogue> Shipped = new(LoadShipped);

    private readonly Dictionary<string, ValueChainActivity> _activities;
    private readonly Dictionary<string, Practice> _practices;

    private ItilCatalogue(
        IReadOnlyList<ValueChainActivity> valueChainActivities,
        IReadOnlyList<PracticeGroup> practiceGroups,
        IReadOnlyList<Practice> practices,
        IReadOnlyList<BookValueStream> bookStreams)
    {
        ValueChainActivities = valueChainActivities;
        PracticeGroups = practiceGroups;
        Practices = practices;
        BookStreams = bookStreams;
        _activities = valueChainActivities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _practices = practices.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalogue shipped inside this assembly.</summary>
    public static ItilCatalogue Default => Shipped.Value;

    public IReadOnlyList<ValueChainActivity> ValueChainActivities { get; }
    public IReadOnlyList<PracticeGroup> PracticeGroups { get; }
    public IReadOnlyList<Practice> Practices { get; }

    /// <summary>The book's example value streams (Appendix A), step by step with their activities and practices.</summary>
    public IReadOnlyList<BookValueStream> BookStreams { get; }

    public ValueChainActivity? FindActivity(string id) => _activities.GetValueOrDefault(id);
    public Practice? FindPractice(string id) => _practices.GetValueOrDefault(id);

    /// <summary>Reads a catalogue document; throws <see cref="InvalidDataException"/> naming what is inconsistent.</summary>
    public static ItilCatalogue Parse(Stream json)
    {
        var document = JsonSerializer.Deserialize<CatalogueDocument>(json, JsonSerializerOptions.Web)
            ?? throw new InvalidDataException("The catalogue document is empty.");
        var catalogue = new ItilCatalogue(
            document.ValueChainActivities ?? [],
            document.PracticeGroups ?? [],
            document.Practices ?? [],
            document.ValueStreams ?? []);
        catalogue.Check();
        return catalogue;
    }

    private static ItilCatalogue LoadShipped()
    {
        using var stream = typeof(ItilCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        return Parse(stream);
    }

    private void Check()
    {
        var groups = PracticeGroups.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var practice in Practices)
        {
            if (!groups.Contains(practice.Group))
                throw new InvalidDataException($"Practice '{practice.Id}' names unknown group '{practice.Group}'.");
            foreach (var activity in practice.Heat.Keys)
                if (!_activities.ContainsKey(activity))
                    throw new InvalidDataException($"Practice '{practice.Id}' rates unknown activity '{activity}'.");
            if (practice.Heat.Values.Any(h => h is < 0 or > 3))
                throw new InvalidDataException($"Practice '{practice.Id}' has a heat level outside 0..3.");
        }
        foreach (var group in PracticeGroups)
        {
            var count = Practices.Count(p => p.Group == group.Id);
            if (count != group.Count)
                throw new InvalidDataException($"Group '{group.Id}' declares {group.Count} practices but has {count}.");
        }
    }

    private sealed record CatalogueDocument(
        List<ValueChainActivity>? ValueChainActivities,
        List<PracticeGroup>? PracticeGroups,
        List<Practice>? Practices,
        List<BookValueStream>? ValueStreams);
}
