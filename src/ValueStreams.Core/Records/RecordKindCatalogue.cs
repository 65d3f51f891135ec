namespace ValueStreams.Core.Records;

/// <summary>
/// Every record kind the product knows, found by scanning this assembly for <see cref="RecordKind"/> classes: adding a
/// kind is adding its folder.
/// </summary>
public static class RecordKindCatalogue
{
    public static IReadOnlyList<RecordKind> All { get; } = typeof(RecordKind).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(RecordKind)))
        .Select(t => (RecordKind)Activator.CreateInstance(t)!)
        .OrderBy(k => k.Descriptor.Name, StringComparer.Ordinal)
        .ToList();

    private static readonly Dictionary<string, RecordKind> ByName = All.ToDictionary(k => k.Descriptor.Name, StringComparer.Ordinal);

    /// <summary>The kind with this name (<c>incident</c>), or null.</summary>
    public static RecordKind? Find(string name) => ByName.GetValueOrDefault(name);
}
