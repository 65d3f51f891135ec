namespace ValueStreams.Core.Records.Releases;

/// <summary>
/// A release: a version of a service made available for use. It is planned, built, tested and made ready, then
/// deployed (which may be no more than turning on a feature flag) and closed; a release that fails its tests goes back
/// to be built again. A release that arrives built and tested (a vendor's new version, a pipeline's build at the test
/// level agreed beforehand) is accepted as ready straight from the plan. A change is optional: a pre-authorised
/// pipeline or a vendor's new version needs none.
/// </summary>
public sealed class ReleaseKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "release", "releases", "Release", "releases", "REL",
        [
            new("version", "version", RecordFieldType.Text, "Version", MaxLength: 100),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("plannedDate", "planned_date", RecordFieldType.DateTime, "Planned date"),
            new("releaseNotes", "release_notes", RecordFieldType.LongText, "Release notes", MaxLength: 100_000),
            new("change", "change", RecordFieldType.Reference, "Change", MaxLength: 100, RecordKind: "change"),
        ],
        [
            new("planned", "Planned"),
            new("built", "Built"),
            new("tested", "Tested"),
            new("ready", "Ready"),
            new("deployed", "Deployed"),
            new("closed", "Closed", Final: true),
            new("cancelled", "Cancelled", Final: true),
        ],
        [
            new("planned", "built", "build"),
            new("built", "tested", "test"),
            new("tested", "built", "rebuild"),
            new("tested", "ready", "accept"),
            new("planned", "ready", "accept as built and tested"),
            new("ready", "deployed", "deploy"),
            new("deployed", "closed", "close"),
            new("planned", "cancelled", "cancel"),
            new("built", "cancelled", "cancel"),
            new("tested", "cancelled", "cancel"),
            new("ready", "cancelled", "cancel"),
        ]);
}
