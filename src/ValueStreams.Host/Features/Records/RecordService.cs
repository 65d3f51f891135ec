using System.Text.Json.Nodes;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Records;

/// <summary>
/// What people do with records, for the API and the record pages alike: read and list what the viewer may see
/// (<see cref="RecordAccess"/>), create through the engine (so that the streams a new record triggers start in the same
/// transaction) and change with the viewer's authority. Engine refusals other than field errors pass through as
/// <see cref="EngineException"/>.
/// </summary>
public sealed class RecordService(RecordRepository records, WorkflowEngine engine)
{
    public Task<RecordPage> ListAsync(RecordKind kind, RecordListQuery query, Viewer viewer, CancellationToken ct = default) =>
        records.ListAsync(kind, query, viewer, ct);

    public Task<JsonObject?> FindAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default) =>
        records.FindAsync(kind, idOrNumber, viewer, ct);

    public Task<IReadOnlyList<RecordHistoryEntry>?> HistoryAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default) =>
        records.HistoryAsync(kind, idOrNumber, viewer, ct);

    /// <summary>Creates a record as the viewer; the written result is the whole record as stored, with its instances.</summary>
    public async Task<RecordWrite> CreateAsync(RecordKind kind, JsonObject? body, Viewer viewer, CancellationToken ct = default)
    {
        if (Forbidden(kind, viewer) is { } forbidden)
            return forbidden;
        if (body is null)
            return new RecordWrite.Invalid([new RecordFieldError("", $"The body must be a JSON object with the {kind.Descriptor.Name}'s fields.")]);
        try
        {
            var (created, _) = await engine.CreateRecordAsync(kind.Descriptor.Name, body, viewer.Username, ct);
            // The creator always sees what they created, so this read finds it.
            return new RecordWrite.Written((await records.FindAsync(kind, created.Id, viewer, ct))!);
        }
        catch (RecordRefusedException refused)
        {
            return new RecordWrite.Invalid(refused.Errors);
        }
    }

    /// <summary>Changes a record the viewer may see; <paramref name="expectedRevision"/> guards against lost updates.</summary>
    public async Task<RecordWrite> UpdateAsync(RecordKind kind, string idOrNumber, JsonObject? body, int? expectedRevision, Viewer viewer,
        CancellationToken ct = default) =>
        Forbidden(kind, viewer) ?? await records.UpdateAsync(kind, idOrNumber, body, expectedRevision, viewer, ct);

    private static RecordWrite.Forbidden? Forbidden(RecordKind kind, Viewer viewer) =>
        RecordAccess.MayChangeKind(kind.Descriptor, viewer)
            ? null
            : new RecordWrite.Forbidden($"{kind.Descriptor.Title} records are a catalogue: only admins create and change them.");
}
