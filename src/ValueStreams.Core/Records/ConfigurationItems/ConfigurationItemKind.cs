namespace ValueStreams.Core.Records.ConfigurationItems;

/// <summary>
/// A configuration item: a component that must be managed to deliver a service (hardware, software, a network device,
/// an application, a service component, a location…), with the configuration data people and streams read to build,
/// restore or change it. Its relationships to other items (depends on, runs on, connected to) live beside it and give
/// the impact of a failure. It moves planned → active ⇄ maintenance → retired.
/// </summary>
public sealed class ConfigurationItemKind : RecordKind
{
    /// <summary>The types of configuration item.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["hardware", "software", "network", "application", "service", "service-component", "database", "location", "document", "other"];

    public override RecordKindDescriptor Descriptor { get; } = new(
        "configuration-item", "configuration-items", "Configuration item", "configuration_items", "CI",
        [
            new("ciType", "ci_type", RecordFieldType.Choice, "Type", Required: true, Options: Types),
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("owner", "owner", RecordFieldType.User, "Owner", MaxLength: 100),
            new("ownerGroup", "owner_group", RecordFieldType.Group, "Owning group", MaxLength: 100),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("location", "location", RecordFieldType.Text, "Location", MaxLength: 200),
            new("version", "version", RecordFieldType.Text, "Version", MaxLength: 100),
            new("configuration", "configuration", RecordFieldType.LongText, "Configuration data", MaxLength: 100_000),
            new("featureFlagEnabled", "feature_flag_enabled", RecordFieldType.Boolean, "Feature flag on"),
            new("lastChange", "last_change", RecordFieldType.Text, "Last change deployed", MaxLength: 200),
        ],
        [
            new("planned", "Planned"),
            new("active", "Active"),
            new("maintenance", "In maintenance"),
            new("retired", "Retired", Final: true),
        ],
        [
            new("planned", "active", "put into service"),
            new("planned", "retired", "cancel"),
            new("active", "maintenance", "start maintenance"),
            new("maintenance", "active", "end maintenance"),
            new("active", "retired", "retire"),
            new("maintenance", "retired", "retire"),
        ]);
}
