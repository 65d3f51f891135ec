namespace ValueStreams.Core.Records.RequestCatalogueItems;

/// <summary>
/// An item of the request catalogue: something users may ask for as a normal part of service delivery. Admins
/// configure it; its approval policy, not the agent, decides whether a request for it needs approval and whose, and
/// its value stream fulfils it. It moves draft → published → retired.
/// </summary>
public sealed class RequestCatalogueItemKind : RecordKind
{
    /// <summary>The approval a request needs: none, the requester's manager, a budget holder, or information security.</summary>
    public static readonly IReadOnlyList<string> ApprovalPolicies = ["none", "manager", "financial", "security"];

    /// <summary>The value stream that fulfils an item's requests unless the item names another.</summary>
    public const string DefaultValueStream = "service-request-fulfilment";

    public override RecordKindDescriptor Descriptor { get; } = new(
        "request-catalogue-item", "request-catalogue-items", "Request catalogue item", "request_catalogue_items", "RCI",
        [
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("approvalPolicy", "approval_policy", RecordFieldType.Choice, "Approval policy", Required: true, Options: ApprovalPolicies),
            new("fulfilmentTarget", "fulfilment_target", RecordFieldType.Text, "Fulfilment target", MaxLength: 100),
            new("fulfilmentGroup", "fulfilment_group", RecordFieldType.Group, "Fulfilment group", MaxLength: 100),
            new("valueStream", "value_stream", RecordFieldType.Text, "Value stream", MaxLength: 100),
            new("availableTo", "available_to", RecordFieldType.Text, "Available to", MaxLength: 200),
        ],
        [
            new("draft", "Draft"),
            new("published", "Published"),
            new("retired", "Retired"),
        ],
        [
            new("draft", "published", "publish"),
            new("draft", "retired", "retire"),
            new("published", "draft", "withdraw"),
            new("published", "retired", "retire"),
            new("retired", "published", "reinstate"),
        ],
        Catalogue: true);

    /// <summary>An item runs the request fulfilment stream and is available to all users unless it says otherwise.</summary>
    public override void Derive(IDictionary<string, object?> values, RecordSettings settings)
    {
        if (values["valueStream"] is null or "")
            values["valueStream"] = DefaultValueStream;
        if (values["availableTo"] is null or "")
            values["availableTo"] = "all-users";
    }
}
