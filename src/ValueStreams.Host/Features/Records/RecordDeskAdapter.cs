using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Records;
using ValueStreams.Data.Definitions;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Records;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Records;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Records;

/// <summary>The record pages' back end for the circuit's signed-in user, over the same <see cref="RecordService"/> as the records API.</summary>
public sealed class RecordDeskAdapter(RecordService records, RecordLinkRepository links, RecordNoteRepository notes, InstanceAccess instances,
    TaskRepository tasks, ValueStreamRepository streams, ServiceLevelRepository serviceLevels, AuthenticationStateProvider authentication) : IRecordDesk
{
    public Task<ServiceLevelSet> ServiceLevelsAsync(CancellationToken cancellationToken = default) => serviceLevels.CurrentAsync(cancellationToken);

    public async Task<RecordListResult> ListAsync(string kind, RecordListRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            var page = await records.ListAsync(Kind(kind), new RecordListQuery(request.Filters, request.Search, request.Sort,
                Math.Max(request.Page, 1), Math.Clamp(request.PageSize, 1, RecordRepository.MaxPageSize)), await ViewerAsync(), cancellationToken);
            return new RecordListResult(page.Items, page.Total, null, page.TotalExact);
        }
        catch (ArgumentException wrong)
        {
            return new RecordListResult([], 0, wrong.Message);
        }
    }

    public async Task<JsonObject?> FindAsync(string kind, string idOrNumber, CancellationToken cancellationToken = default) =>
        await records.FindAsync(Kind(kind), idOrNumber, await ViewerAsync(), cancellationToken);

    public async Task<IReadOnlyList<RecordChangeLine>> HistoryAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        (await records.HistoryAsync(Kind(kind), id, await ViewerAsync(), cancellationToken) ?? [])
            .Select(h => new RecordChangeLine(h.At, h.Actor, h.Field, h.Old, h.New)).ToList();

    public async Task<IReadOnlyList<ClockStage>> ClockStagesAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        await records.FindAsync(Kind(kind), id, await ViewerAsync(), cancellationToken) is { } record
            ? await serviceLevels.StagesAsync(kind, (string)record["id"]!, cancellationToken)
            : [];

    public async Task<RecordSaveResult> CreateAsync(string kind, JsonObject fields, CancellationToken cancellationToken = default)
    {
        try
        {
            return Saved(await records.CreateAsync(Kind(kind), fields, await ViewerAsync(), cancellationToken));
        }
        catch (EngineException refusal)
        {
            return new RecordSaveResult(null, refusal.Message, new Dictionary<string, string>());
        }
    }

    public async Task<RecordSaveResult> UpdateAsync(string kind, string id, JsonObject changes, int revision,
        CancellationToken cancellationToken = default) =>
        Saved(await records.UpdateAsync(Kind(kind), id, changes, revision, await ViewerAsync(), cancellationToken));

    public async Task<IReadOnlyList<JsonObject>> OfInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        await instances.MaySeeAsync(instanceId, await ViewerAsync(), cancellationToken)
            ? await links.OfInstanceAsync(instanceId, cancellationToken)
            : [];

    public async Task<IReadOnlyList<RecordLinkLine>> LinksAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        (await links.ListAsync(Kind(kind), id, await ViewerAsync(), cancellationToken) ?? [])
            .Select(l => new RecordLinkLine(l.Label, l.Direction == "outgoing", (string)l.Record["collection"]!, (string)l.Record["number"]!,
                (string)l.Record["title"]!, (string)l.Record["state"]!))
            .ToList();

    public async Task<IReadOnlyList<RecordNote>> NotesAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        await notes.ListAsync(Kind(kind), id, await ViewerAsync(), cancellationToken) ?? [];

    public async Task<RecordNoteSave> AddNoteAsync(string kind, string id, string visibility, string text, CancellationToken cancellationToken = default) =>
        await notes.AddAsync(Kind(kind), id, visibility, text, await ViewerAsync(), cancellationToken) switch
        {
            NoteWrite.Done(var note) => new RecordNoteSave(note, null),
            NoteWrite.Invalid(var error) => new RecordNoteSave(null, error.Message),
            _ => new RecordNoteSave(null, "The record no longer exists, or you may no longer see it."),
        };

    public async Task<IReadOnlyList<RecordStreamLine>> StreamsAsync(JsonObject record, CancellationToken cancellationToken = default)
    {
        var working = (record["instances"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(i => (Id: (string)i["id"]!, ValueStreamId: (string)i["valueStreamId"]!, Version: (int)i["version"]!, Status: (string)i["status"]!))
            .ToList();
        if (working.Count == 0)
            return [];
        var open = (await tasks.OpenOfInstancesAsync(working.Select(i => i.Id).ToList(), await ViewerAsync(), cancellationToken))
            .ToLookup(t => t.InstanceId);
        var names = (await streams.ListAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var lines = new List<RecordStreamLine>();
        foreach (var instance in working)
        {
            // Steps are named in the version the instance runs; the task's own title stands in for a step it no longer has.
            var definition = open[instance.Id].Any() ? await streams.ReadPublishedAsync(instance.ValueStreamId, instance.Version, cancellationToken) : null;
            lines.Add(new RecordStreamLine(instance.Id, names.GetValueOrDefault(instance.ValueStreamId, instance.ValueStreamId), instance.Status,
                open[instance.Id].Select(t => new RecordTaskLine(t.Id, definition?.FindStep(t.StepId)?.Name ?? t.Title, t.Title, t.Assignee, t.Group, t.DueAt))
                    .ToList()));
        }
        return lines;
    }

    private static RecordSaveResult Saved(RecordWrite write) => write switch
    {
        RecordWrite.Written(var record) => new RecordSaveResult(record, null, new Dictionary<string, string>()),
        RecordWrite.Invalid(var errors) => Refused(errors),
        RecordWrite.Stale => new RecordSaveResult(null, "Someone changed this record since you opened it. Reload it and make your change again.",
            new Dictionary<string, string>(), Stale: true),
        RecordWrite.Forbidden(var reason) => new RecordSaveResult(null, reason, new Dictionary<string, string>()),
        _ => new RecordSaveResult(null, "The record no longer exists.", new Dictionary<string, string>()),
    };

    private static RecordSaveResult Refused(IReadOnlyList<RecordFieldError> errors)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var error in errors)
            fields.TryAdd(error.Field, error.Message);
        return new RecordSaveResult(null, $"Not saved: {errors.Count} field{(errors.Count == 1 ? " needs" : "s need")} attention.", fields);
    }

    private static RecordKind Kind(string name) =>
        RecordKindCatalogue.Find(name) ?? throw new ArgumentException($"There is no record kind '{name}'.", nameof(name));

    private async Task<Viewer> ViewerAsync() => (await authentication.GetAuthenticationStateAsync()).User.ToViewer();
}
