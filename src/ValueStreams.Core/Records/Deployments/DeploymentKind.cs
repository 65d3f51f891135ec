namespace ValueStreams.Core.Records.Deployments;

/// <summary>
/// A deployment: one release moved into one environment. It is planned, runs, is deployed and then verified; a failed
/// deployment is rolled back. A change is optional, since deployments a pipeline makes under a pre-authorised plan
/// need no change request of their own.
/// </summary>
public sealed class DeploymentKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "deployment", "deployments", "Deployment", "deployments", "DEP",
        [
            new("release", "release", RecordFieldType.Reference, "Release", MaxLength: 100, RecordKind: "release"),
            new("environment", "environment", RecordFieldType.Choice, "Environment", Required: true,
                Options: ["development", "test", "staging", "production"]),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("scheduledAt", "scheduled_at", RecordFieldType.DateTime, "Scheduled at"),
            new("deployedAt", "deployed_at", RecordFieldType.DateTime, "Deployed at", RequiredIn: ["deployed", "verified"]),
            new("change", "change", RecordFieldType.Reference, "Change", MaxLength: 100, RecordKind: "change"),
            new("notes", "notes", RecordFieldType.LongText, "Notes", MaxLength: 100_000),
        ],
        [
            new("planned", "Planned"),
            new("in-progress", "In progress"),
            new("deployed", "Deployed"),
            new("verified", "Verified", Final: true),
            new("failed", "Failed"),
            new("rolled-back", "Rolled back", Final: true),
        ],
        [
            new("planned", "in-progress", "start"),
            new("planned", "deployed", "deploy"),
            new("in-progress", "deployed", "finish"),
            new("deployed", "verified", "verify"),
            new("in-progress", "failed", "fail"),
            new("deployed", "failed", "fail verification"),
            new("failed", "rolled-back", "roll back"),
        ]);
}
