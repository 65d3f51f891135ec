using ValueStreams.Data.Runtime;
using ValueStreams.Host.Features.Records;

namespace ValueStreams.Host.Features.Instances;

/// <summary>
/// The instance list for the API and the instance list page: the filters as read, a record number looked up among the
/// records the viewer may see (one they may not see, or none, matches no instance), then the instances the viewer may see.
/// </summary>
public sealed class InstanceList(InstanceQueries queries, RecordService records)
{
    public async Task<InstancePage> PageAsync(InstanceListParameters.Parsed parsed, Viewer viewer, CancellationToken cancellationToken = default) =>
        await ResolveAsync(parsed, viewer, cancellationToken) is { } query
            ? await queries.PageAsync(query, viewer, cancellationToken)
            : new InstancePage([], 0, parsed.Query.Page, parsed.Query.PageSize);

    /// <summary>Without a count, up to <paramref name="limit"/> instances: the list as the API gave it before pages.</summary>
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(InstanceListParameters.Parsed parsed, int limit, Viewer viewer,
        CancellationToken cancellationToken = default) =>
        await ResolveAsync(parsed, viewer, cancellationToken) is { } query
            ? await queries.ListAsync(query with { Page = 1, PageSize = Math.Clamp(limit, 1, 1000) }, viewer, cancellationToken)
            : [];

    private async Task<InstanceListQuery?> ResolveAsync(InstanceListParameters.Parsed parsed, Viewer viewer, CancellationToken cancellationToken)
    {
        if (parsed.RecordKind is not { } kind)
            return parsed.Query;
        var record = await records.FindAsync(kind, parsed.RecordNumber!, viewer, cancellationToken);
        return record?["id"]?.GetValue<string>() is { } id
            ? parsed.Query with { Record = new RecordReference(kind.Descriptor.Name, id) }
            : null;
    }
}
