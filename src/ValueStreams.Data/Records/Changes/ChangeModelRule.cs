using System.Data.Common;
using System.Text.Json.Nodes;
using ValueStreams.Core.Records;
using ValueStreams.Core.Records.ChangeModels;
using ValueStreams.Core.Records.Changes;

namespace ValueStreams.Data.Records.Changes;

/// <summary>
/// A standard change is only as standard as its model: the change model it names must exist, be active and be a standard
/// model. The kind's own check cannot read other records, so the store applies this rule in the transaction that writes
/// the change; a new standard change also takes its model's change authority.
/// </summary>
internal static class ChangeModelRule
{
    private static readonly ChangeModelKind Models = new();

    /// <summary>
    /// Checks a change record as it will be written (<paramref name="values"/> as <see cref="RecordChange"/> and the
    /// reference check left them: type and model after the change). A new standard change takes its model's change
    /// authority.
    /// </summary>
    public static async Task<IReadOnlyList<RecordFieldError>> CheckAsync(DbConnection connection, DbTransaction transaction, RecordKind kind,
        IDictionary<string, object?> values, bool isNew)
    {
        if (kind is not ChangeKind || values["type"] as string != ChangeTypes.Standard || values["changeModel"] is not string name)
            return [];
        var (model, errors) = await ReadModelAsync(connection, transaction, name);
        if (model is not null && isNew)
            values["changeAuthority"] = (string?)model["changeAuthority"];
        return errors;
    }

    private static async Task<(JsonObject? Model, IReadOnlyList<RecordFieldError> Errors)> ReadModelAsync(DbConnection connection,
        DbTransaction transaction, string name)
    {
        var model = await FindAsync(connection, transaction, Models, name);
        string? problem = model switch
        {
            null => $"There is no change model '{name}'.",
            _ when (string?)model["changeType"] != ChangeTypes.Standard =>
                $"{model["number"]} is a {model["changeType"]} change model; a standard change must follow a standard one.",
            _ when (string?)model["state"] != ChangeModelKind.Active => $"{model["number"]} is retired; a standard change must follow an active model.",
            _ => null,
        };
        return problem is null ? (model, []) : (null, [new RecordFieldError("changeModel", problem)]);
    }

    private static Task<JsonObject?> FindAsync(DbConnection connection, DbTransaction transaction, RecordKind kind, string idOrNumber) =>
        RecordRepository.LookupAsync(connection, transaction, kind,
            idOrNumber.StartsWith(kind.Descriptor.NumberPrefix + "-", StringComparison.OrdinalIgnoreCase)
                ? new Dictionary<string, object?> { ["number"] = idOrNumber.ToUpperInvariant() }
                : new Dictionary<string, object?> { ["id"] = idOrNumber });
}
