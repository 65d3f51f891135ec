using ValueStreams.Core.Records.RequestCatalogueItems;

namespace ValueStreams.Core.Records.Requests;

/// <summary>
/// A service request: a user's request for something the request catalogue offers. It carries its catalogue item's
/// approval policy, copied when the request is raised; a request whose policy needs approval cannot go to fulfilment
/// before it is approved. Its approval follows from its state. It moves new → awaiting approval → approved or rejected →
/// in fulfilment → fulfilled → closed, and may be cancelled on the way.
/// </summary>
public sealed class RequestKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "request", "requests", "Service request", "requests", "REQ",
        [
            new("catalogueItem", "catalogue_item", RecordFieldType.Reference, "Catalogue item", MaxLength: 100,
                RecordKind: "request-catalogue-item"),
            new("requestedFor", "requested_for", RecordFieldType.User, "Requested for", MaxLength: 100),
            new("requesterEmail", "requester_email", RecordFieldType.Text, "Requester's email", MaxLength: 200),
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("approvalPolicy", "approval_policy", RecordFieldType.Choice, "Approval policy",
                Options: RequestCatalogueItemKind.ApprovalPolicies),
            new("approval", "approval", RecordFieldType.Choice, "Approval",
                Options: ["not-required", "pending", "approved", "rejected"], Derived: true),
            new("approvalNotes", "approval_notes", RecordFieldType.LongText, "Approval conditions or reasons", MaxLength: 100_000),
            new("fulfilmentTarget", "fulfilment_target", RecordFieldType.Text, "Fulfilment target", MaxLength: 100),
            new("assignmentGroup", "assignment_group", RecordFieldType.Group, "Assignment group", MaxLength: 100),
            new("assignee", "assignee", RecordFieldType.User, "Assignee", MaxLength: 100),
            new("fulfilmentNotes", "fulfilment_notes", RecordFieldType.LongText, "Fulfilment notes", MaxLength: 100_000,
                RequiredIn: ["fulfilled"]),
        ],
        [
            new("new", "New"),
            new("awaiting-approval", "Awaiting approval"),
            new("approved", "Approved"),
            new("rejected", "Rejected", Final: true),
            new("in-fulfilment", "In fulfilment"),
            new("fulfilled", "Fulfilled"),
            new("closed", "Closed", Final: true),
            new("cancelled", "Cancelled", Final: true),
        ],
        [
            new("new", "awaiting-approval", "ask for approval"),
            new("new", "in-fulfilment", "start fulfilment"),
            new("new", "cancelled", "cancel"),
            new("awaiting-approval", "approved", "approve"),
            new("awaiting-approval", "rejected", "reject"),
            new("awaiting-approval", "cancelled", "cancel"),
            new("approved", "in-fulfilment", "start fulfilment"),
            new("approved", "cancelled", "cancel"),
            new("in-fulfilment", "fulfilled", "fulfil"),
            new("in-fulfilment", "cancelled", "cancel"),
            new("fulfilled", "in-fulfilment", "not done yet"),
            new("fulfilled", "closed", "close"),
        ],
        DefaultSla: "request");

    /// <summary>The approval follows the state: pending while awaiting it, the decision once made, not required without a policy.</summary>
    public override void Derive(IDictionary<string, object?> values, RecordSettings settings)
    {
        values["approval"] = values["state"] switch
        {
            "awaiting-approval" => "pending",
            "approved" => "approved",
            "rejected" => "rejected",
            _ when NeedsApproval(values["approvalPolicy"]) => values["approval"],
            _ => "not-required",
        };
    }

    /// <summary>A request whose policy needs approval goes to fulfilment only once approved.</summary>
    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values["state"] is "in-fulfilment" && fromState is null or "new" && NeedsApproval(values["approvalPolicy"]))
            yield return new RecordFieldError("state",
                $"A request under the {values["approvalPolicy"]} approval policy must be approved before it is fulfilled.");
    }

    private static bool NeedsApproval(object? policy) => policy is string p && p != "none" && p.Length > 0;
}
