using ValueStreams.Core.Records.Changes;

namespace ValueStreams.Core.Records.ChangeModels;

/// <summary>
/// A change model, which admins configure: how a kind of change is done and who authorises it. A standard change must
/// follow an active standard model (pre-authorised, so it needs no further approval).
/// </summary>
public sealed class ChangeModelKind : RecordKind
{
    public const string Active = "active";

    public override RecordKindDescriptor Descriptor { get; } = new(
        "change-model", "change-models", "Change model", "change_models", "CHM",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("changeType", "change_type", RecordFieldType.Choice, "Type of change", Required: true, Options: ChangeTypes.All),
            new("risk", "risk", RecordFieldType.Choice, "Risk", Required: true, Options: Levels.Reverse().ToList()),
            new("changeAuthority", "change_authority", RecordFieldType.Group, "Change authority", MaxLength: 100),
            new("procedure", "procedure", RecordFieldType.LongText, "Procedure", MaxLength: 100_000),
        ],
        [
            new(Active, "Active"),
            new("retired", "Retired"),
        ],
        [
            new(Active, "retired", "retire"),
            new("retired", Active, "reinstate"),
        ],
        Catalogue: true);
}
