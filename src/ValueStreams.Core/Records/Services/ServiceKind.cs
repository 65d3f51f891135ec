namespace ValueStreams.Core.Records.Services;

/// <summary>
/// A service in the service portfolio. Its state is its portfolio stage: a proposed service is in the pipeline until it
/// is chartered and designed, a live service is in the service catalogue, and a retired one has left it. The catalogue
/// entry says who the service is offered to (<c>audience</c>) and what can be ordered (<c>offerings</c>).
/// </summary>
public sealed class ServiceKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "service", "services", "Service", "services", "SVC",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("owner", "owner", RecordFieldType.User, "Service owner", MaxLength: 100),
            new("ownerGroup", "owner_group", RecordFieldType.Group, "Owning group", MaxLength: 100),
            new("serviceLevel", "service_level", RecordFieldType.Text, "Service level", MaxLength: 500),
            new("audience", "audience", RecordFieldType.Text, "Offered to", MaxLength: 500, RequiredIn: ["live"]),
            new("offerings", "offerings", RecordFieldType.LongText, "Offerings", MaxLength: 100_000),
        ],
        [
            new("pipeline", "In the pipeline"),
            new("chartered", "Chartered"),
            new("designed", "Designed"),
            new("live", "Live in the catalogue"),
            new("retired", "Retired", Final: true),
        ],
        [
            new("pipeline", "chartered", "charter"),
            new("chartered", "designed", "design"),
            new("designed", "live", "go live"),
            new("pipeline", "retired", "drop"),
            new("chartered", "retired", "drop"),
            new("designed", "retired", "drop"),
            new("live", "retired", "retire"),
        ],
        Catalogue: true);
}
