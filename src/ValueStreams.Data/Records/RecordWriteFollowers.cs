using System.Data.Common;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records.Assets;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records;

/// <summary>A record update as a follower sees it: the record before and after, in the writer's transaction.</summary>
internal sealed record RecordUpdated(
    DbConnection Connection, DbTransaction Transaction, SqlDialect Sql, RecordSettings Settings, RecordKind Kind, string Id,
    IReadOnlyDictionary<string, object?> Before, IDictionary<string, object?> After, string Actor);

/// <summary>Work that follows a kind's record update in the same transaction (spare stock reorders after an asset leaves stock).</summary>
internal interface IRecordWriteFollower
{
    Task AfterUpdateAsync(RecordUpdated update, CancellationToken ct);
}

/// <summary>The followers of each kind; the repository calls them after every update, from the API and from streams alike.</summary>
internal static class RecordWriteFollowers
{
    private static readonly Dictionary<string, IRecordWriteFollower> ByKind = new(StringComparer.Ordinal)
    {
        ["asset"] = new SpareStockReorder(),
    };

    public static Task AfterUpdateAsync(RecordUpdated update, CancellationToken ct) =>
        ByKind.TryGetValue(update.Kind.Descriptor.Name, out var follower) ? follower.AfterUpdateAsync(update, ct) : Task.CompletedTask;
}
