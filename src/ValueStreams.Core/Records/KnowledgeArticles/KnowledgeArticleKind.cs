namespace ValueStreams.Core.Records.KnowledgeArticles;

/// <summary>
/// A knowledge article: what people need to know to use or support a service (a workaround, a how-to), often written from
/// a record (a problem, a known error). It moves draft → published → retired.
/// </summary>
public sealed class KnowledgeArticleKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "knowledge-article", "knowledge-articles", "Knowledge article", "knowledge_articles", "KB",
        [
            new("body", "body", RecordFieldType.LongText, "Body", MaxLength: 100_000, RequiredIn: ["published"]),
            new("category", "category", RecordFieldType.Text, "Category", MaxLength: 100),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("sourceRecord", "source_record", RecordFieldType.Reference, "Record it was written from", MaxLength: 100),
            new("audience", "audience", RecordFieldType.Choice, "Audience", Options: ["internal", "public"]),
        ],
        [
            new("draft", "Draft"),
            new("published", "Published"),
            new("retired", "Retired", Final: true),
        ],
        [
            new("draft", "published", "publish"),
            new("draft", "retired", "discard"),
            new("published", "draft", "revise"),
            new("published", "retired", "retire"),
        ]);
}
