namespace ValueStreams.Core.Records.Assets;

/// <summary>
/// An IT asset: a thing of financial value the organization tracks from stock to disposal (a spare access point, a
/// laptop). Its model and location count as spare stock while it is in stock; taking a spare into use lowers that stock,
/// and stock below the threshold an admin set raises a reorder. It moves in stock → in use ⇄ in repair → retired →
/// disposed.
/// </summary>
public sealed class AssetKind : RecordKind
{
    public const string InStock = "in-stock";

    public override RecordKindDescriptor Descriptor { get; } = new(
        "asset", "assets", "Asset", "assets", "AST",
        [
            new("assetTag", "asset_tag", RecordFieldType.Text, "Asset tag", MaxLength: 100, Required: true),
            new("model", "model", RecordFieldType.Text, "Model", MaxLength: 200),
            new("location", "location", RecordFieldType.Text, "Location", MaxLength: 200),
            new("configurationItem", "configuration_item", RecordFieldType.Reference, "Configuration item", MaxLength: 100,
                RecordKind: "configuration-item"),
            new("assignedTo", "assigned_to", RecordFieldType.User, "Assigned to", MaxLength: 100),
            new("replaces", "replaces", RecordFieldType.Text, "Replaces", MaxLength: 200),
            new("notes", "notes", RecordFieldType.LongText, "Notes", MaxLength: 100_000),
        ],
        [
            new(InStock, "In stock"),
            new("in-use", "In use"),
            new("in-repair", "In repair"),
            new("retired", "Retired"),
            new("disposed", "Disposed", Final: true),
        ],
        [
            new(InStock, "in-use", "take into use"),
            new(InStock, "in-repair", "send for repair"),
            new(InStock, "retired", "retire"),
            new("in-use", InStock, "return to stock"),
            new("in-use", "in-repair", "send for repair"),
            new("in-use", "retired", "retire"),
            new("in-repair", InStock, "return to stock"),
            new("in-repair", "in-use", "return to use"),
            new("in-repair", "retired", "retire"),
            new("retired", "disposed", "dispose"),
        ]);
}
