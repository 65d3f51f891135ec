using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Records;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Records;

/// <summary>The record pages' back end for the circuit's signed-in user, over the same <see cref="RecordService"/> as the records API.</summary>
public sealed class RecordDeskAdapter(RecordService records, RecordLinkRepository links, InstanceAccess instances,
    AuthenticationStateProvider authentication) : IRecordDesk
{
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
