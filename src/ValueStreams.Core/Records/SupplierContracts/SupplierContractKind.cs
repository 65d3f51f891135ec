namespace ValueStreams.Core.Records.SupplierContracts;

/// <summary>
/// A contract with a supplier for a service: its term, support terms, contacts and value. Support staff read it when a
/// supplier's product fails (what support is due, whom to call). It moves draft → active → expired or terminated.
/// </summary>
public sealed class SupplierContractKind : RecordKind
{
    public override RecordKindDescriptor Descriptor { get; } = new(
        "supplier-contract", "supplier-contracts", "Supplier contract", "supplier_contracts", "SUP",
        [
            new("supplier", "supplier", RecordFieldType.Text, "Supplier", Required: true, MaxLength: 200),
            new("service", "service", RecordFieldType.Reference, "Service", MaxLength: 100, RecordKind: "service"),
            new("description", "description", RecordFieldType.LongText, "Description", MaxLength: 100_000),
            new("startDate", "start_date", RecordFieldType.DateTime, "Start", RequiredIn: ["active"]),
            new("endDate", "end_date", RecordFieldType.DateTime, "End"),
            new("supportTerms", "support_terms", RecordFieldType.LongText, "Support terms", MaxLength: 100_000),
            new("contactDetails", "contact_details", RecordFieldType.Text, "Contact details", MaxLength: 500),
            new("value", "value", RecordFieldType.Number, "Value"),
        ],
        [
            new("draft", "Draft"),
            new("active", "Active"),
            new("expired", "Expired", Final: true),
            new("terminated", "Terminated", Final: true),
        ],
        [
            new("draft", "active", "activate"),
            new("draft", "terminated", "withdraw"),
            new("active", "expired", "expire"),
            new("active", "terminated", "terminate"),
        ]);

    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values["startDate"] is DateTimeOffset start && values["endDate"] is DateTimeOffset end && end <= start)
            yield return new RecordFieldError("endDate", "'endDate' must be after 'startDate'.");
        if (values["value"] is double value && value < 0)
            yield return new RecordFieldError("value", "'value' cannot be negative.");
    }
}
