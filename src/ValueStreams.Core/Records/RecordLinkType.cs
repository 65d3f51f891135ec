namespace ValueStreams.Core.Records;

/// <summary>
/// A kind of link between two records, read one way from the record it starts at (<c>caused by</c>) and the other way
/// from the record it ends at (<c>causes</c>).
/// </summary>
public sealed record RecordLinkType(string Name, string Label, string ReverseLabel)
{
    /// <summary>The link types people may draw between records; reference fields (an incident's CI) are links too.</summary>
    public static IReadOnlyList<RecordLinkType> All { get; } =
    [
        new("related-to", "related to", "related to"),
        new("caused-by", "caused by", "causes"),
        new("resolved-by", "resolved by", "resolves"),
        new("duplicate-of", "duplicate of", "duplicated by"),
        new("affects", "affects", "affected by"),
        new("raised-from", "raised from", "raised"),
    ];

    public static RecordLinkType? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The stored type of the link a reference field makes: <c>field:configurationItem</c>.</summary>
    public static string OfField(RecordField field) => FieldPrefix + field.Name;

    public const string FieldPrefix = "field:";

    /// <summary>The kind a record number belongs to, by its prefix (<c>INC-000123</c> → incident), or null.</summary>
    public static RecordKind? KindOfNumber(string number)
    {
        var dash = number.IndexOf('-', StringComparison.Ordinal);
        return dash <= 0 ? null : RecordKindCatalogue.All.FirstOrDefault(k =>
            string.Equals(k.Descriptor.NumberPrefix, number[..dash], StringComparison.OrdinalIgnoreCase));
    }
}
